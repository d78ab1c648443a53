using System.Security.Cryptography;

namespace Appliance.Core.Networks;

/// <summary>Port MAC addresses as Neutron makes them: its base_mac prefix fa:16:3e and three random bytes.</summary>
public static class MacAddresses
{
    public static string NewMac()
    {
        Span<byte> tail = stackalloc byte[3];
        RandomNumberGenerator.Fill(tail);
        return $"fa:16:3e:{tail[0]:x2}:{tail[1]:x2}:{tail[2]:x2}";
    }
}
