using System.Text.Json.Serialization;
using Appliance.Core.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Identity;

/// <summary>/v3/domains, read-only and admin only: enough for clients that look up "default" by id or name.</summary>
public static class DomainsApi
{
    public sealed record Item(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("enabled")] bool Enabled,
        [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
        [property: JsonPropertyName("options")] IReadOnlyDictionary<string, object> Options,
        [property: JsonPropertyName("links")] SelfLink Links);

    public sealed record One([property: JsonPropertyName("domain")] Item Domain);

    public sealed record Many([property: JsonPropertyName("domains")] IReadOnlyList<Item> Domains, [property: JsonPropertyName("links")] ListLinks Links);

    public static IEndpointRouteBuilder MapDomainsApi(this IEndpointRouteBuilder v3)
    {
        v3.MapGet("/domains", List);
        v3.MapGet("/domains/{domainId}", Show);
        return v3;
    }

    private static async Task<Ok<Many>> List([AsParameters] IdentityRequestServices services, [FromQuery] string? name)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:list_domains");
        var domains = (await services.Domains.ListAsync(services.Aborted)).Where(domain => name is null || domain.Name == name);
        return TypedResults.Ok(new Many(domains.Select(domain => Render(domain, services.V3Url)).ToList(), new ListLinks(services.V3Url + "/domains")));
    }

    private static async Task<Ok<One>> Show(string domainId, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:get_domain");
        var domain = await services.Domains.GetAsync(domainId, services.Aborted) ?? throw new IdentityNotFoundException("domain", domainId);
        return TypedResults.Ok(new One(Render(domain, services.V3Url)));
    }

    private static Item Render(Domain domain, string v3Url) => new(
        domain.Id, domain.Name, domain.Id == Domain.DefaultId ? "The default domain" : null, true, [],
        new Dictionary<string, object>(), new SelfLink($"{v3Url}/domains/{domain.Id}"));
}
