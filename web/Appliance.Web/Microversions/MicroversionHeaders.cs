using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Appliance.Web.Microversions;

/// <summary>Reads the compute microversion a client asked for, the way microversion-parse does for Nova.</summary>
public static class MicroversionHeaders
{
    public const string Current = "OpenStack-API-Version";
    public const string Legacy = "X-OpenStack-Nova-API-Version";
    public const string ServiceType = "compute";
    public const string Latest = "latest";

    /// <summary>The raw version string for compute, or null when the client named none.</summary>
    public static string? Requested(IHeaderDictionary headers)
    {
        if (headers.TryGetValue(Current, out var values))
        {
            foreach (var entry in SplitEntries(values))
            {
                var parts = entry.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && string.Equals(parts[0], ServiceType, StringComparison.OrdinalIgnoreCase))
                {
                    return parts[1];
                }
            }
        }

        if (headers.TryGetValue(Legacy, out var legacy) && !StringValues.IsNullOrEmpty(legacy))
        {
            return legacy.ToString().Trim();
        }

        return null;
    }

    private static IEnumerable<string> SplitEntries(StringValues values) =>
        values.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
