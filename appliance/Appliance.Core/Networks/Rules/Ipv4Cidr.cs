using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Core.Networks;

/// <summary>An IPv4 subnet in CIDR form, with the arithmetic allocation needs: contains, overlaps, host range.</summary>
public readonly record struct Ipv4Cidr(uint Network, int PrefixLength)
{
    public uint Mask => PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);

    public uint Broadcast => Network | ~Mask;

    /// <summary>The first usable host address (the network address is not one, except in a /31 or /32).</summary>
    public uint FirstHost => PrefixLength >= 31 ? Network : Network + 1;

    public uint LastHost => PrefixLength >= 31 ? Broadcast : Broadcast - 1;

    public string Netmask => Format(Mask);

    public static bool TryParse(string? text, [NotNullWhen(true)] out Ipv4Cidr? cidr)
    {
        cidr = null;
        var parts = text?.Split('/');
        if (parts is not { Length: 2 } || !TryParseAddress(parts[0], out var address)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix is < 0 or > 32)
        {
            return false;
        }

        var mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        cidr = new Ipv4Cidr(address & mask, prefix);
        return true;
    }

    public static Ipv4Cidr Parse(string text) =>
        TryParse(text, out var cidr) ? cidr.Value : throw new FormatException($"'{text}' is not an IPv4 CIDR");

    /// <summary>A dotted-quad IPv4 address only: no shorthand forms like "10.1" that IPAddress.Parse also takes.</summary>
    public static bool TryParseAddress(string? text, out uint address)
    {
        address = 0;
        if (text is null || text.Split('.').Length != 4 || !IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        address = BinaryPrimitives.ReadUInt32BigEndian(ip.GetAddressBytes());
        return true;
    }

    public static string Format(uint address) =>
        $"{address >> 24}.{(address >> 16) & 0xff}.{(address >> 8) & 0xff}.{address & 0xff}";

    public bool Contains(uint address) => (address & Mask) == Network;

    /// <summary>An address a port may hold: inside the range, and neither its network nor its broadcast address.</summary>
    public bool HoldsHost(uint address) => Contains(address) && address >= FirstHost && address <= LastHost;

    public bool Overlaps(Ipv4Cidr other)
    {
        var shorter = Math.Min(PrefixLength, other.PrefixLength);
        var mask = shorter == 0 ? 0 : uint.MaxValue << (32 - shorter);
        return (Network & mask) == (other.Network & mask);
    }

    public override string ToString() => $"{Format(Network)}/{PrefixLength}";
}
