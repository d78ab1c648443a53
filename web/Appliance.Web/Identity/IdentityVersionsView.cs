using System.Text.Json.Serialization;

namespace Appliance.Web.Identity;

/// <summary>Keystone's discovery documents (keystone/api/discovery.py): one stable version, v3.14.</summary>
public static class IdentityVersionsView
{
    public sealed record Link([property: JsonPropertyName("rel")] string Rel, [property: JsonPropertyName("href")] string Href);

    public sealed record MediaType([property: JsonPropertyName("base")] string Base, [property: JsonPropertyName("type")] string Type);

    public sealed record Version(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("updated")] string Updated,
        [property: JsonPropertyName("links")] IReadOnlyList<Link> Links,
        [property: JsonPropertyName("media-types")] IReadOnlyList<MediaType> MediaTypes);

    public sealed record Values([property: JsonPropertyName("values")] IReadOnlyList<Version> Items);

    public sealed record VersionList([property: JsonPropertyName("versions")] Values Versions);

    public sealed record VersionDocument([property: JsonPropertyName("version")] Version Version);

    public static Version V3(string v3Url) => new(
        "v3.14", "stable", "2020-04-07T00:00:00Z",
        [new Link("self", v3Url + "/")],
        [new MediaType("application/json", "application/vnd.openstack.identity-v3+json")]);
}
