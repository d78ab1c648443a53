using System.Net;

namespace Appliance.Hypervisor.Networking;

/// <summary>Prefix arithmetic on IP addresses, IPv4 and IPv6 alike.</summary>
internal static class AddressPrefix
{
    /// <summary>The netmask of a prefix length in the address's family, e.g. 255.255.255.0 for an IPv4 /24.</summary>
    public static IPAddress Netmask(IPAddress address, int prefixLength)
    {
        var bytes = new byte[address.GetAddressBytes().Length];
        for (var bit = 0; bit < prefixLength && bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }

    /// <summary>Whether both addresses share their first prefixLength bits (and family).</summary>
    public static bool SameSubnet(IPAddress first, IPAddress second, int prefixLength)
    {
        var a = first.GetAddressBytes();
        var b = second.GetAddressBytes();
        var mask = Netmask(first, prefixLength).GetAddressBytes();
        return a.Length == b.Length && a.Zip(b, mask).All(x => (x.First & x.Third) == (x.Second & x.Third));
    }
}
