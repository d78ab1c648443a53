using Appliance.Core.Flavors;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

    private static Task<Ok<Dictionary<string, object?>>> List([AsParameters] ComputeRequestServices services) =>
        Page(services, "flavors", FlavorView.Basic);

    private static Task<Ok<Dictionary<string, object?>>> Detail([AsParameters] ComputeRequestServices services) =>
        Page(services, "flavors/detail", FlavorView.Show);

    private static async Task<Ok<FlavorView.One>> Show(string id, [AsParameters] ComputeRequestServices services) =>
        TypedResults.Ok(new FlavorView.One(FlavorView.Show(services.Request, await Visible(services, id))));

    private static async Task<Ok<FlavorView.One>> Create(JsonBody<FlavorRequests.CreateBody> body, [AsParameters] ComputeRequestServices services)
    {
        services.RequireAdmin("os_compute_api:os-flavor-manage:create");
        var flavor = FlavorRequests.ToFlavor(body.Value.Flavor);
        if (!await services.Flavors.CreateAsync(flavor, services.Aborted))
        {
            var taken = await services.Flavors.FindAsync(flavor.FlavorId, services.Aborted) is not null
                ? $"Flavor with ID {flavor.FlavorId} already exists."
                : $"Flavor with name {flavor.Name} already exists.";
            throw new FaultException(new Fault(409, taken));
        }

        return TypedResults.Ok(new FlavorView.One(FlavorView.Show(services.Request, flavor)));
    }

    private static async Task<Accepted> Delete(string id, [AsParameters] ComputeRequestServices services)
    {
        services.RequireAdmin("os_compute_api:os-flavor-manage:delete");
        return await services.Flavors.DeleteAsync(id, services.Aborted)
            ? TypedResults.Accepted((string?)null)
            : throw new FaultException(Fault.NotFound($"Flavor {id} could not be found."));
    }

    private static async Task<Ok<FlavorView.ExtraSpecs>> AddExtraSpecs(
        string id, JsonBody<FlavorRequests.ExtraSpecsBody> body, [AsParameters] ComputeRequestServices services)
    {
        services.RequireAdmin("os_compute_api:os-flavor-extra-specs:create");
        await Visible(services, id);
        var specs = FlavorRequests.Validated(body.Value.ExtraSpecs);
        await services.Flavors.SetExtraSpecsAsync(id, specs, services.Aborted);
        return TypedResults.Ok(new FlavorView.ExtraSpecs(specs));
    }

    private static async Task<Ok<Dictionary<string, string>>> SetExtraSpec(
        string id, string key, JsonBody<Dictionary<string, string>> body, [AsParameters] ComputeRequestServices services)
    {
        services.RequireAdmin("os_compute_api:os-flavor-extra-specs:update");
        await Visible(services, id);
        var specs = FlavorRequests.Validated(body.Value);
        if (specs.Count != 1)
        {
            throw new FaultException(Fault.BadRequest("Request body contains too many items"));
        }

        if (!specs.ContainsKey(key))
        {
            throw new FaultException(Fault.BadRequest("Request body and URI mismatch"));
        }

        await services.Flavors.SetExtraSpecsAsync(id, specs, services.Aborted);
        return TypedResults.Ok(specs);
    }

    private static async Task<Ok> DeleteExtraSpec(string id, string key, [AsParameters] ComputeRequestServices services)
    {
        services.RequireAdmin("os_compute_api:os-flavor-extra-specs:delete");
        await Visible(services, id);
        return await services.Flavors.DeleteExtraSpecAsync(id, key, services.Aborted)
            ? TypedResults.Ok()
            : throw new FaultException(Fault.NotFound($"Flavor {id} has no extra specs with key {key}."));
    }

    private static async Task<Ok<FlavorView.ExtraSpecs>> ExtraSpecs(string id, [AsParameters] ComputeRequestServices services)
    {
        await Visible(services, id);
        return TypedResults.Ok(new FlavorView.ExtraSpecs(await services.Flavors.ExtraSpecsAsync(id, services.Aborted)));
    }

    private static async Task<Ok<Dictionary<string, string>>> ExtraSpec(string id, string key, [AsParameters] ComputeRequestServices services)
    {
        await Visible(services, id);
        return (await services.Flavors.ExtraSpecsAsync(id, services.Aborted)).TryGetValue(key, out var value)
            ? TypedResults.Ok(new Dictionary<string, string> { [key] = value })
            : throw new FaultException(Fault.NotFound($"Flavor {id} has no extra specs with key {key}."));
    }

    /// <summary>The flavor if the caller may use it; 404 with Nova's message otherwise.</summary>
    private static async Task<Flavor> Visible(ComputeRequestServices services, string id)
    {
        var caller = services.Caller;
        var visible = await services.Flavors.ListAsync(new FlavorQuery(IsPublic: null), caller.ProjectId!, caller.IsAdmin, services.Aborted);
        var flavor = visible.FirstOrDefault(candidate => candidate.FlavorId == id);
        if (flavor is null && await services.Flavors.FindAsync(id, services.Aborted) is { Disabled: true, IsPublic: true } disabled)
        {
            // Disabled flavors still show by id, as in Nova, so servers built from them keep a valid link.
            flavor = disabled;
        }

        return flavor ?? throw new FaultException(Fault.NotFound($"Flavor {id} could not be found."));
    }

    private static async Task<Ok<Dictionary<string, object?>>> Page(
        ComputeRequestServices services, string collection, Func<HttpRequest, Flavor, Dictionary<string, object?>> view)
    {
        var caller = services.Caller;
        var query = FlavorListQuery.Parse(services.Query, caller.IsAdmin);
        var all = (await services.Flavors.ListAsync(query, caller.ProjectId!, caller.IsAdmin, services.Aborted)).ToList();
        var start = 0;
        if (query.Marker is not null)
        {
            var index = all.FindIndex(flavor => flavor.FlavorId == query.Marker);
            start = index >= 0 ? index + 1 : throw new FaultException(Fault.BadRequest($"marker [{query.Marker}] not found"));
        }

        var page = all.Skip(start).Take(query.Limit).ToList();
        var body = new Dictionary<string, object?> { ["flavors"] = page.Select(flavor => view(services.Request, flavor)).ToList() };
        // Nova links the next page whenever a page came back full.
        if (page.Count > 0 && page.Count == query.Limit)
        {
            body["flavors_links"] = new[] { new ComputeLinks.Link("next", ComputeLinks.Next(services.Request, collection, page[^1].FlavorId)) };
        }

        return TypedResults.Ok(body);
    }
}
