using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Appliance.Core.Keypairs;

/// <summary>OpenSSH public keys: reading one a user imports, writing one for a generated RSA key, and Nova's MD5 fingerprint.</summary>
public static class SshPublicKey
{
    private static readonly HashSet<string> KnownTypes = new(StringComparer.Ordinal)
    {
        "ssh-rsa", "ssh-dss", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    };

    /// <summary>The colon-separated MD5 of the key blob, or null when the text is not an OpenSSH public key.</summary>
    public static string? Fingerprint(string publicKey)
    {
        var parts = publicKey.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !KnownTypes.Contains(parts[0]))
        {
            return null;
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            return null;
        }

        // The blob starts with its own type name; a mismatch means a pasted fragment or a forgery.
        if (blob.Length < 4 || BinaryPrimitives.ReadUInt32BigEndian(blob) is var length && (length > blob.Length - 4
            || Encoding.ASCII.GetString(blob, 4, (int)length) != parts[0]))
        {
            return null;
        }

        return string.Join(':', MD5.HashData(blob).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>A new RSA key: the OpenSSH public line and the PEM private key, returned to the user once.</summary>
    public static (string PublicKey, string PrivateKey) GenerateRsa(string comment)
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        var blob = new List<byte>();
        WriteString(blob, Encoding.ASCII.GetBytes("ssh-rsa"));
        WriteString(blob, MpInt(parameters.Exponent!));
        WriteString(blob, MpInt(parameters.Modulus!));
        return ($"ssh-rsa {Convert.ToBase64String(blob.ToArray())} {comment}\n", rsa.ExportRSAPrivateKeyPem() + "\n");
    }

    private static void WriteString(List<byte> blob, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        blob.AddRange(length.ToArray());
        blob.AddRange(data);
    }

    /// <summary>SSH's mpint: big-endian, with a leading zero byte when the top bit is set.</summary>
    private static byte[] MpInt(byte[] value) => (value[0] & 0x80) != 0 ? [0, .. value] : value;
}
