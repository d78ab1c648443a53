using System.Security.Cryptography;

namespace Appliance.Core.Identity;

/// <summary>A token as the client holds it (256 random bits, base64url) and as the store keeps it (its SHA-256).</summary>
public static class TokenSecret
{
    private const int SecretBytes = 32;

    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The stored form: a leaked database row cannot be replayed as a token.</summary>
    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    /// <summary>Keystone's audit ids: 16 random bytes, base64url, unpadded; safe to log, unlike the token.</summary>
    public static string NewAuditId() => Base64Url(RandomNumberGenerator.GetBytes(16));

    /// <summary>A password the appliance makes up for a user: 144 bits, easy to paste.</summary>
    public static string NewPassword() => Base64Url(RandomNumberGenerator.GetBytes(18));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
