using System.Globalization;
using System.Text.RegularExpressions;

namespace Appliance.Web.Microversions;

/// <summary>A compute API microversion, MAJOR.MINOR, compared numerically (2.10 &gt; 2.9).</summary>
public readonly partial record struct ApiVersion(int Major, int Minor) : IComparable<ApiVersion>
{
    public int CompareTo(ApiVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(ApiVersion left, ApiVersion right) => left.CompareTo(right) < 0;
    public static bool operator >(ApiVersion left, ApiVersion right) => left.CompareTo(right) > 0;
    public static bool operator <=(ApiVersion left, ApiVersion right) => left.CompareTo(right) <= 0;
    public static bool operator >=(ApiVersion left, ApiVersion right) => left.CompareTo(right) >= 0;

    /// <summary>Nova's grammar: no leading zeros, minor may be 0.</summary>
    public static bool TryParse(string text, out ApiVersion version)
    {
        var match = Grammar().Match(text);
        if (match.Success
            && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            version = new ApiVersion(major, minor);
            return true;
        }

        version = default;
        return false;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    [GeneratedRegex(@"^([1-9]\d{0,8})\.([1-9]\d{0,8}|0)$")]
    private static partial Regex Grammar();
}
