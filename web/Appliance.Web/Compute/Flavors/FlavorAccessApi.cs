using System.Text.Json.Nodes;
using Appliance.Core.Flavors;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

    private static async Task<Ok<FlavorView.AccessList>> List(string id, [AsParameters] ComputeRequestServices services)
    {
        services.RequireAdmin("os_compute_api:os-flavor-access");
        var flavor = await Existing(services, id);
        // A public flavor is everyone's: it has no list to show.
        return flavor.IsPublic
            ? throw new FaultException(Fault.NotFound("Access list not available for public flavors."))
            : View(id, await services.Flavors.AccessAsync(id, services.Aborted));
    }

    private static async Task<Ok<FlavorView.AccessList>> Act(string id, JsonBody<JsonObject> body, [AsParameters] ComputeRequestServices services)
    {
        var request = FlavorAccessRequests.Read(body.Value);
        if (request.Action == FlavorAccessRequests.Remove)
        {
            services.RequireAdmin("os_compute_api:os-flavor-access:remove_tenant_access");
            // Revoking needs no live project: access of a deleted project can still be cleaned up.
            await Existing(services, id);
            return View(id, await services.Flavors.RevokeAccessAsync(id, request.Tenant, services.Aborted));
        }

        services.RequireAdmin("os_compute_api:os-flavor-access:add_tenant_access");
        if (await services.Projects.GetAsync(request.Tenant, services.Aborted) is null)
        {
            throw new FaultException(Fault.BadRequest($"Project ID {request.Tenant} is not a valid project."));
        }

        var flavor = await Existing(services, id);
        if (flavor.IsPublic && services.Version >= ComputeMicroversions.FlavorAccessPublicConflict)
        {
            throw new FaultException(new Fault(409, "Can not add access to a public flavor."));
        }

        return View(id, await services.Flavors.GrantAccessAsync(id, request.Tenant, services.Aborted));
    }

    /// <summary>Any flavor by id, private or disabled too: these routes are the admin's.</summary>
    private static async Task<Flavor> Existing(ComputeRequestServices services, string id) =>
        await services.Flavors.FindAsync(id, services.Aborted) ?? throw new FaultException(Fault.NotFound($"Flavor {id} could not be found."));

    private static Ok<FlavorView.AccessList> View(string flavorId, IReadOnlyList<string> projects) =>
        TypedResults.Ok(new FlavorView.AccessList(projects.Select(project => new FlavorView.Access(flavorId, project))));
}
