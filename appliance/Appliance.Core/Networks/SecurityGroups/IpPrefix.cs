using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Core.Networks;

/// <summary>An IPv4 or IPv6 prefix as a rule names its peers: "10.0.0.0/8", "2001:db8::/32", or a bare address (one host).</summary>
public readonly record struct IpPrefix(IPAddress Network, int Length)
{
    public bool IsIPv6 => Network.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>Every address of the family (0.0.0.0/0, ::/0): the same as naming no peer.</summary>
    public bool IsEverything => Length == 0;

    public static bool TryParse(string text, [NotNullWhen(true)] out IpPrefix? prefix)
    {
        prefix = null;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || addressText.Contains('%'))
        {
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var length = bits;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length)
            || length > bits))
        {
            return false;
        }

        // IPv4 written only with dots and digits: IPAddress.TryParse also takes "10" or "0x0a000001".
        if (address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3)
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(length - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        prefix = new IpPrefix(new IPAddress(bytes), length);
        return true;
    }

    /// <summary>The prefix with its host bits cleared, or the text itself when it is no prefix.</summary>
    public static string Normalize(string text) => TryParse(text, out var prefix) ? prefix.Value.ToString() : text;

    public override string ToString() => $"{Network}/{Length}";
}
