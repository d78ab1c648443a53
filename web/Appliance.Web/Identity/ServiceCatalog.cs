using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Appliance.Web.Identity;

/// <summary>
/// The service catalog: compute, image, network and identity on the appliance's one port, each with public,
/// internal and admin interfaces in RegionOne. Ids are derived from the names, so they never change.
/// </summary>
public static class ServiceCatalog
{
    public const string Region = "RegionOne";

    private static readonly (string Type, string Name, string Path)[] Services =
    [
        ("compute", "nova", "/v2.1"),
        ("image", "glance", "/image"),
        // Unversioned, as Neutron's endpoint is: clients append v2.0/ themselves.
        ("network", "neutron", "/network"),
        ("identity", "keystone", IdentityUrls.IdentityPrefix),
    ];

    private static readonly string[] Interfaces = ["public", "internal", "admin"];

    public sealed record Endpoint(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("interface")] string Interface,
        [property: JsonPropertyName("region")] string Region,
        [property: JsonPropertyName("region_id")] string RegionId,
        [property: JsonPropertyName("url")] string Url);

    public sealed record Service(
        [property: JsonPropertyName("endpoints")] IReadOnlyList<Endpoint> Endpoints,
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("name")] string Name);

    /// <summary>GET /v3/auth/catalog's body.</summary>
    public sealed record Listing(
        [property: JsonPropertyName("catalog")] IReadOnlyList<Service> Catalog,
        [property: JsonPropertyName("links")] ListLinks Links);

    /// <summary>The catalog for clients that reach the appliance at <paramref name="baseUrl"/> (scheme://host[:port]).</summary>
    public static IReadOnlyList<Service> Build(string baseUrl) => Services
        .Select(service => new Service(
            Interfaces.Select(face => new Endpoint(StableId($"{service.Type}/{face}"), face, Region, Region, baseUrl + service.Path)).ToList(),
            StableId(service.Type),
            service.Type,
            service.Name))
        .ToList();

    private static string StableId(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..32];
}
