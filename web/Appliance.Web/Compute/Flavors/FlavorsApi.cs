using Appliance.Core.Flavors;
using Appliance.Web.Faults;
using Appliance.Web.Json;
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
            flavors.MapPost("", Create);
            flavors.MapDelete("/{id}", Delete);
            flavors.MapGet("/{id}/os-extra_specs", ExtraSpecs);
            flavors.MapPost("/{id}/os-extra_specs", AddExtraSpecs);
            flavors.MapGet("/{id}/os-extra_specs/{key}", ExtraSpec);
            flavors.MapPut("/{id}/os-extra_specs/{key}", SetExtraSpec);
            flavors.MapDelete("/{id}/os-extra_specs/{key}", DeleteExtraSpec);
        }

        return routes;
    }

    private static Task<IResult> List(HttpContext context, FlavorService flavors) =>
        Page(context, flavors, "flavors", FlavorView.Basic);

    private static Task<IResult> Detail(HttpContext context, FlavorService flavors) =>
        Page(context, flavors, "flavors/detail", FlavorView.Show);

    private static async Task<IResult> Show(HttpContext context, string id, FlavorService flavors) =>
        TypedResults.Json(new { flavor = FlavorView.Show(context.Request, await Visible(context, id, flavors)) });

    private static async Task<IResult> Create(HttpContext context, JsonBody<FlavorRequests.CreateBody> body, FlavorService flavors)
    {
        context.RequireAdmin("os_compute_api:os-flavor-manage:create");
        var flavor = FlavorRequests.ToFlavor(body.Value.Flavor);
        if (!await flavors.CreateAsync(flavor, context.RequestAborted))
        {
            var taken = await flavors.FindAsync(flavor.FlavorId, context.RequestAborted) is not null
                ? $"Flavor with ID {flavor.FlavorId} already exists."
                : $"Flavor with name {flavor.Name} already exists.";
            throw new FaultException(new Fault(409, taken));
        }

        return TypedResults.Json(new { flavor = FlavorView.Show(context.Request, flavor) });
    }

    private static async Task<IResult> Delete(HttpContext context, string id, FlavorService flavors)
    {
        context.RequireAdmin("os_compute_api:os-flavor-manage:delete");
        return await flavors.DeleteAsync(id, context.RequestAborted)
            ? TypedResults.StatusCode(StatusCodes.Status202Accepted)
            : throw new FaultException(Fault.NotFound($"Flavor {id} could not be found."));
    }

    private static async Task<IResult> AddExtraSpecs(HttpContext context, string id, JsonBody<FlavorRequests.ExtraSpecsBody> body, FlavorService flavors)
    {
        context.RequireAdmin("os_compute_api:os-flavor-extra-specs:create");
        await Visible(context, id, flavors);
        var specs = FlavorRequests.Validated(body.Value.ExtraSpecs);
        await flavors.SetExtraSpecsAsync(id, specs, context.RequestAborted);
        return TypedResults.Json(new { extra_specs = specs });
    }

    private static async Task<IResult> SetExtraSpec(HttpContext context, string id, string key, JsonBody<Dictionary<string, string>> body, FlavorService flavors)
    {
        context.RequireAdmin("os_compute_api:os-flavor-extra-specs:update");
        await Visible(context, id, flavors);
        var specs = FlavorRequests.Validated(body.Value);
        if (specs.Count != 1)
        {
            throw new FaultException(Fault.BadRequest("Request body contains too many items"));
        }

        if (!specs.ContainsKey(key))
        {
            throw new FaultException(Fault.BadRequest("Request body and URI mismatch"));
        }

        await flavors.SetExtraSpecsAsync(id, specs, context.RequestAborted);
        return TypedResults.Json(specs);
    }

    private static async Task<IResult> DeleteExtraSpec(HttpContext context, string id, string key, FlavorService flavors)
    {
        context.RequireAdmin("os_compute_api:os-flavor-extra-specs:delete");
        await Visible(context, id, flavors);
        return await flavors.DeleteExtraSpecAsync(id, key, context.RequestAborted)
            ? TypedResults.Ok()
            : throw new FaultException(Fault.NotFound($"Flavor {id} has no extra specs with key {key}."));
    }

    private static async Task<IResult> ExtraSpecs(HttpContext context, string id, FlavorService flavors)
    {
        await Visible(context, id, flavors);
        return TypedResults.Json(new { extra_specs = await flavors.ExtraSpecsAsync(id, context.RequestAborted) });
    }

    private static async Task<IResult> ExtraSpec(HttpContext context, string id, string key, FlavorService flavors)
    {
        await Visible(context, id, flavors);
        return (await flavors.ExtraSpecsAsync(id, context.RequestAborted)).TryGetValue(key, out var value)
            ? TypedResults.Json(new Dictionary<string, string> { [key] = value })
            : throw new FaultException(Fault.NotFound($"Flavor {id} has no extra specs with key {key}."));
    }

    /// <summary>The flavor if the caller may use it; 404 with Nova's message otherwise.</summary>
    private static async Task<Flavor> Visible(HttpContext context, string id, FlavorService flavors)
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
        HttpContext context, FlavorService flavors, string collection, Func<HttpRequest, Flavor, Dictionary<string, object?>> view)
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
