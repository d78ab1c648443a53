using System.Globalization;

namespace Appliance.Core.Servers;

/// <summary>How server times are stored: fixed-width UTC, so text order is time order for changes-since and sorting.</summary>
public static class Timestamps
{
    public const string StoredFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>The length of every stored time, e.g. 2026-11-27T21:05:29.123456Z.</summary>
    public const int StoredFormatLength = 27;

    public static string Stored(DateTimeOffset at) => at.UtcDateTime.ToString(StoredFormat, CultureInfo.InvariantCulture);

    public static string Now() => Stored(DateTimeOffset.UtcNow);

    public static DateTimeOffset Parse(string stored) =>
        DateTimeOffset.Parse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
