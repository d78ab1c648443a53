using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Appliance.Hypervisor.Host;

namespace Appliance.Core.Networks;

/// <summary>The IPv4 subnets the host already routes (its own interfaces, other bridges): a new private subnet must avoid them.</summary>
public static class HostRoutes
{
    /// <summary>The routes of /proc/net/route, without the default route (it overlaps everything and blocks nothing).</summary>
    public static IReadOnlyList<Ipv4Cidr> Read() => Parse(HostFiles.ReadOrEmpty("/proc/net/route"));

    public static IReadOnlyList<Ipv4Cidr> Parse(string table)
    {
        var routes = new List<Ipv4Cidr>();
        foreach (var line in table.Split('\n').Skip(1))
        {
            var fields = line.Split('\t', StringSplitOptions.TrimEntries);
            // Iface Destination Gateway Flags RefCnt Use Metric Mask ...; addresses in hex, host byte order (little-endian).
            if (fields.Length < 8 || !uint.TryParse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var destination)
                || !uint.TryParse(fields[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
            {
                continue;
            }

            var prefix = BitOperations.PopCount(mask);
            if (prefix > 0)
            {
                routes.Add(new Ipv4Cidr(BinaryPrimitives.ReverseEndianness(destination), prefix));
            }
        }

        return routes;
    }
}
