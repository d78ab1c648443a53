using Appliance.Core.Flavors;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Flavors;

/// <summary>GET /flavors, /flavors/detail and /flavors/{id}: the seeded and created flavors a caller may use.</summary>
public static class FlavorsApi
{
    public static IEndpointRouteBuilder MapFlavorsApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var flavors = ComputeApiGroups.Group(routes, version, "/flavors");
            flavors.MapGet("", List);
            flavors.MapGet("/detail", Detail);
            flavors.MapGet("/{id}", Show);
            flavors.MapGet("/{id}/os-extra_specs", ExtraSpecs);
            flavors.MapGet("/{id}/os-extra_specs/{key}", ExtraSpec);
        }

        return routes;
    }

    private static Task<IResult> List(HttpContext context, FlavorRepository flavors) =>
        Page(context, flavors, "flavors", FlavorView.Basic);

    private static Task<IResult> Detail(HttpContext context, FlavorRepository flavors) =>
        Page(context, flavors, "flavors/detail", FlavorView.Show);

    private static async Task<IResult> Show(HttpContext context, string id, FlavorRepository flavors) =>
        TypedResults.Json(new { flavor = FlavorView.Show(context.Request, await Visible(context, id, flavors)) });

    private static async Task<IResult> ExtraSpecs(HttpContext context, string id, FlavorRepository flavors)
    {
        await Visible(context, id, flavors);
        return TypedResults.Json(new { extra_specs = await flavors.ExtraSpecsAsync(id, context.RequestAborted) });
    }

    private static async Task<IResult> ExtraSpec(HttpContext context, string id, string key, FlavorRepository flavors)
    {
        await Visible(context, id, flavors);
        return (await flavors.ExtraSpecsAsync(id, context.RequestAborted)).TryGetValue(key, out var value)
            ? TypedResults.Json(new Dictionary<string, string> { [key] = value })
            : throw new FaultException(Fault.NotFound($"Flavor {id} has no extra specs with key {key}."));
    }

    /// <summary>The flavor if the caller may use it; 404 with Nova's message otherwise.</summary>
    private static async Task<Flavor> Visible(HttpContext context, string id, FlavorRepository flavors)
    {
        var caller = context.Caller();
        var visible = await flavors.ListAsync(new FlavorQuery(IsPublic: null), caller.ProjectId!, caller.IsAdmin, context.RequestAborted);
        var flavor = visible.FirstOrDefault(candidate => candidate.FlavorId == id);
        if (flavor is null && await flavors.FindAsync(id, context.RequestAborted) is { Disabled: true, IsPublic: true } disabled)
        {
            // Disabled flavors still show by id, as in Nova, so servers built from them keep a valid link.
            flavor = disabled;
        }

        return flavor ?? throw new FaultException(Fault.NotFound($"Flavor {id} could not be found."));
    }

    private static async Task<IResult> Page(
        HttpContext context, FlavorRepository flavors, string collection, Func<HttpRequest, Flavor, Dictionary<string, object?>> view)
    {
        var caller = context.Caller();
        var query = FlavorListQuery.Parse(context.Request.Query, caller.IsAdmin);
        var all = (await flavors.ListAsync(query, caller.ProjectId!, caller.IsAdmin, context.RequestAborted)).ToList();
        var start = 0;
        if (query.Marker is not null)
        {
            var index = all.FindIndex(flavor => flavor.FlavorId == query.Marker);
            start = index >= 0 ? index + 1 : throw new FaultException(Fault.BadRequest($"marker [{query.Marker}] not found"));
        }

        var page = all.Skip(start).Take(query.Limit).ToList();
        var body = new Dictionary<string, object?> { ["flavors"] = page.Select(flavor => view(context.Request, flavor)).ToList() };
        // Nova links the next page whenever a page came back full.
        if (page.Count > 0 && page.Count == query.Limit)
        {
            body["flavors_links"] = new[] { new ComputeLinks.Link("next", ComputeLinks.Next(context.Request, collection, page[^1].FlavorId)) };
        }

        return TypedResults.Json(body);
    }
}
