using System.Text.Json.Serialization;
using Appliance.Web.Microversions;

namespace Appliance.Web.Versions;

/// <summary>Nova's version documents (doc/api_samples/versions), links built from the caller's own base URL.</summary>
public static class VersionsView
{
    private const string DocsUrl = "http://docs.openstack.org/";

    public sealed record Link(
        [property: JsonPropertyName("href")] string Href,
        [property: JsonPropertyName("rel")] string Rel,
        [property: JsonPropertyName("type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type = null);

    public sealed record MediaType(
        [property: JsonPropertyName("base")] string Base,
        [property: JsonPropertyName("type")] string Type);

    public sealed record Version(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("links")] IReadOnlyList<Link> Links,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("version")] string MaxVersion,
        [property: JsonPropertyName("min_version")] string MinVersion,
        [property: JsonPropertyName("updated")] string Updated,
        [property: JsonPropertyName("media-types"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MediaType>? MediaTypes = null);

    public sealed record VersionList([property: JsonPropertyName("versions")] IReadOnlyList<Version> Versions);

    public sealed record VersionDocument([property: JsonPropertyName("version")] Version Version);

    /// <summary>GET /: both API versions, each with a self link.</summary>
    public static VersionList List(string baseUrl) => new([V2(baseUrl, detailed: false), V21(baseUrl, detailed: false)]);

    /// <summary>GET /v2/ (and its alias /v1.1/).</summary>
    public static VersionDocument ShowV2(string baseUrl) => new(V2(baseUrl, detailed: true));

    /// <summary>GET /v2.1/.</summary>
    public static VersionDocument ShowV21(string baseUrl) => new(V21(baseUrl, detailed: true));

    // v2.0 is the legacy API: no microversions, so both version fields are empty, as Nova shows it.
    private static Version V2(string baseUrl, bool detailed) => new(
        "v2.0",
        Links($"{baseUrl}/v2/", detailed),
        "DEPRECATED",
        "",
        "",
        "2025-07-04T12:00:00Z",
        detailed ? [new MediaType("application/json", "application/vnd.openstack.compute+json;version=2")] : null);

    private static Version V21(string baseUrl, bool detailed) => new(
        "v2.1",
        Links($"{baseUrl}/v2.1/", detailed),
        "CURRENT",
        ComputeMicroversions.Maximum.ToString(),
        ComputeMicroversions.Minimum.ToString(),
        "2013-07-23T11:33:21Z",
        detailed ? [new MediaType("application/json", "application/vnd.openstack.compute+json;version=2.1")] : null);

    private static IReadOnlyList<Link> Links(string self, bool detailed) => detailed
        ? [new Link(self, "self"), new Link(DocsUrl, "describedby", "text/html")]
        : [new Link(self, "self")];
}
