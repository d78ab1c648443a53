using System.Text.Json.Serialization;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>Neutron's discovery: /network lists v2.0 (to anyone), /network/v2.0 lists the collections it serves.</summary>
public static class NeutronVersionsApi
{
    public sealed record Link(
        [property: JsonPropertyName("href")] string Href,
        [property: JsonPropertyName("rel")] string Rel);

    public sealed record Version(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("links")] IReadOnlyList<Link> Links);

    public sealed record VersionList([property: JsonPropertyName("versions")] IReadOnlyList<Version> Versions);

    public sealed record Resource(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("collection")] string Collection,
        [property: JsonPropertyName("links")] IReadOnlyList<Link> Links);

    public sealed record ResourceList([property: JsonPropertyName("resources")] IReadOnlyList<Resource> Resources);

    private static readonly (string Name, string Collection)[] Served = [("network", "networks"), ("subnet", "subnets"), ("port", "ports"), ("security_group", "security-groups"), ("security_group_rule", "security-group-rules")];

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.Prefix, Versions);
        routes.MapGet(NeutronApi.V2, Resources);
    }

    private static Ok<VersionList> Versions(HttpRequest request) =>
        TypedResults.Ok(new VersionList([new Version("v2.0", "CURRENT", [new Link($"{request.BaseUrl()}{NeutronApi.V2}/", "self")])]));

    private static Ok<ResourceList> Resources(HttpRequest request) =>
        TypedResults.Ok(new ResourceList(Served
            .Select(served => new Resource(served.Name, served.Collection, [new Link($"{request.BaseUrl()}{NeutronApi.V2}/{served.Collection}", "self")]))
            .ToList()));
}
