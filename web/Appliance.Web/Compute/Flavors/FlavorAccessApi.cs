using System.Text.Json.Nodes;
using Appliance.Core.Flavors;
using Appliance.Core.Identity;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Flavors;

/// <summary>os-flavor-access: admins list, grant and revoke the projects that may use a private flavor.</summary>
public static class FlavorAccessApi
{
    public static IEndpointRouteBuilder MapFlavorAccessApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var flavors = ComputeApiGroups.Group(routes, version, "/flavors");
            flavors.MapGet("/{id}/os-flavor-access", List);
            flavors.MapPost("/{id}/action", Act);
        }

        return routes;
    }

    private static async Task<IResult> List(HttpContext context, string id, FlavorService flavors)
    {
        context.RequireAdmin("os_compute_api:os-flavor-access");
        var flavor = await Existing(context, id, flavors);
        // A public flavor is everyone's: it has no list to show.
        return flavor.IsPublic
            ? throw new FaultException(Fault.NotFound("Access list not available for public flavors."))
            : View(id, await flavors.AccessAsync(id, context.RequestAborted));
    }

    private static async Task<IResult> Act(
        HttpContext context, string id, JsonBody<JsonObject> body, FlavorService flavors, ProjectService projects)
    {
        var request = FlavorAccessRequests.Read(body.Value);
        if (request.Action == FlavorAccessRequests.Remove)
        {
            context.RequireAdmin("os_compute_api:os-flavor-access:remove_tenant_access");
            // Revoking needs no live project: access of a deleted project can still be cleaned up.
            await Existing(context, id, flavors);
            return View(id, await flavors.RevokeAccessAsync(id, request.Tenant, context.RequestAborted));
        }

        context.RequireAdmin("os_compute_api:os-flavor-access:add_tenant_access");
        if (await projects.GetAsync(request.Tenant, context.RequestAborted) is null)
        {
            throw new FaultException(Fault.BadRequest($"Project ID {request.Tenant} is not a valid project."));
        }

        var flavor = await Existing(context, id, flavors);
        if (flavor.IsPublic && context.ComputeVersion() >= ComputeMicroversions.FlavorAccessPublicConflict)
        {
            throw new FaultException(new Fault(409, "Can not add access to a public flavor."));
        }

        return View(id, await flavors.GrantAccessAsync(id, request.Tenant, context.RequestAborted));
    }

    /// <summary>Any flavor by id, private or disabled too: these routes are the admin's.</summary>
    private static async Task<Flavor> Existing(HttpContext context, string id, FlavorService flavors) =>
        await flavors.FindAsync(id, context.RequestAborted) ?? throw new FaultException(Fault.NotFound($"Flavor {id} could not be found."));

    private static IResult View(string flavorId, IReadOnlyList<string> projects) =>
        TypedResults.Json(new { flavor_access = projects.Select(project => new { flavor_id = flavorId, tenant_id = project }) });
}
