using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Identity;

/// <summary>
/// Which paths need a token before routing sees them: compute (/v2, /v2.1, /v1.1), image (/image) and network
/// (/network), except their version documents, which Nova, Glance and Neutron serve to anyone.
/// </summary>
public static partial class ProtectedPaths
{
    public enum Area { Open, Compute, Image, Network }

    private static readonly string[] ComputeVersions = ["v2", "v2.1", "v1.1"];

    public static Area Classify(PathString path, out string[] segments)
    {
        segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return Area.Open;
        }

        // Routing matches paths case-insensitively, so this must too, or /V2.1/... would slip past the token check.
        if (ComputeVersions.Contains(segments[0], StringComparer.OrdinalIgnoreCase))
        {
            return segments.Length == 1 ? Area.Open : Area.Compute;
        }

        if (string.Equals(segments[0], "image", StringComparison.OrdinalIgnoreCase))
        {
            return segments.Length == 1 || (segments.Length == 2 && string.Equals(segments[1], "versions", StringComparison.OrdinalIgnoreCase))
                ? Area.Open
                : Area.Image;
        }

        if (string.Equals(segments[0], "network", StringComparison.OrdinalIgnoreCase))
        {
            return segments.Length == 1 ? Area.Open : Area.Network;
        }

        return Area.Open;
    }

    /// <summary>Nova's test for "this segment is a project id" (hex and dashes); no compute collection name passes it.</summary>
    public static bool LooksLikeProjectId(string segment) => ProjectIdPattern().IsMatch(segment);

    [GeneratedRegex("^[0-9a-f-]+$")]
    private static partial Regex ProjectIdPattern();
}
