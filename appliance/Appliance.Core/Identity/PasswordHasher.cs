using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Cryptography.KeyDerivation;

namespace Appliance.Core.Identity;

/// <summary>
/// PBKDF2-HMAC-SHA512 with a per-password salt, stored as <c>pbkdf2-sha512$iterations$salt$hash</c> so the
/// work factor can rise later without invalidating old hashes. Passwords never leave this class.
/// </summary>
public static class PasswordHasher
{
    /// <summary>OWASP's 2023 floor for PBKDF2-HMAC-SHA512.</summary>
    public const int Iterations = 210_000;

    public const int MaxPasswordLength = 4096;

    private const string Scheme = "pbkdf2-sha512";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>Hashed at start so that verifying against no user costs what verifying against one does.</summary>
    private static readonly string DecoyHash = Hash("decoy-password-for-unknown-users");

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, Iterations);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>True when the password matches; a null or unreadable stored hash never matches but costs the same time.</summary>
    public static bool Verify(string password, string? storedHash)
    {
        if (storedHash is null || !TryParse(storedHash, out var iterations, out var salt, out var expected))
        {
            TryParse(DecoyHash, out iterations, out salt, out expected);
            Derive(password, salt, iterations);
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Derive(password, salt, iterations), expected);
    }

    /// <summary>Burns one verification's worth of time, for a login whose user does not exist.</summary>
    public static void VerifyDecoy(string password) => Verify(password, null);

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        KeyDerivation.Pbkdf2(password, salt, KeyDerivationPrf.HMACSHA512, iterations, HashBytes);

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations <= 0)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
