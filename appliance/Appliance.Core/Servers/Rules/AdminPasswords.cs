using System.Security.Cryptography;
using Appliance.Core.Configuration;

namespace Appliance.Core.Servers;

/// <summary>Generates admin passwords and checks given ones against the configured complexity policy.</summary>
public static class AdminPasswords
{
    // Without look-alikes (0/O, 1/l/I), as Nova's generator.
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Digits = "23456789";

    public static string Generate(AdminPasswordPolicy policy)
    {
        var length = Math.Max(policy.GeneratedLength, Math.Max(policy.MinimumLength, 4));
        // One of each class first so any policy is met, then shuffled.
        var chars = new List<char>
        {
            Lower[RandomNumberGenerator.GetInt32(Lower.Length)],
            Upper[RandomNumberGenerator.GetInt32(Upper.Length)],
            Digits[RandomNumberGenerator.GetInt32(Digits.Length)],
            "!@#%^*-_+="[RandomNumberGenerator.GetInt32(10)],
        };
        const string all = Lower + Upper + Digits;
        while (chars.Count < length)
        {
            chars.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        }

        var array = chars.ToArray();
        RandomNumberGenerator.Shuffle(array.AsSpan());
        return new string(array);
    }

    /// <summary>Null when the password meets the policy, else what it lacks (never the password itself).</summary>
    public static string? Problem(string password, AdminPasswordPolicy policy)
    {
        var lacks = new List<string>();
        if (password.Length < policy.MinimumLength) lacks.Add($"at least {policy.MinimumLength} characters");
        if (policy.RequireDigit && !password.Any(char.IsDigit)) lacks.Add("a digit");
        if (policy.RequireUppercase && !password.Any(char.IsUpper)) lacks.Add("an uppercase letter");
        if (policy.RequireLowercase && !password.Any(char.IsLower)) lacks.Add("a lowercase letter");
        if (policy.RequireSymbol && password.All(char.IsLetterOrDigit)) lacks.Add("a symbol");
        return lacks.Count == 0 ? null : "The admin password does not meet the password policy: it needs " + string.Join(", ", lacks) + ".";
    }
}
