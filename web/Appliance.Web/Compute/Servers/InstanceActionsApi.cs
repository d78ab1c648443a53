using System.Text.Json.Serialization;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Servers;

/// <summary>/servers/{id}/os-instance-actions: what was asked of a server, and one request's action with its timed events.</summary>
public static class InstanceActionsApi
{
    public static IEndpointRouteBuilder MapInstanceActionsApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var actions = ComputeApiGroups.Group(routes, version, "/servers/{id}/os-instance-actions");
            actions.MapGet("", List);
            actions.MapGet("/{requestId}", Show);
        }

        return routes;
    }

    public sealed record Many([property: JsonPropertyName("instanceActions")] List<Dictionary<string, object?>> InstanceActions);

    public sealed record One([property: JsonPropertyName("instanceAction")] Dictionary<string, object?> InstanceAction);

    private static async Task<Ok<Many>> List(string id, [AsParameters] ServerRequestServices services)
    {
        var actions = await services.History.ListAsync(services.Caller, id, IncludeDeleted(services), services.Aborted);
        return TypedResults.Ok(new Many(actions.Select(InstanceActionView.Action).ToList()));
    }

    private static async Task<Ok<One>> Show(string id, string requestId, [AsParameters] ServerRequestServices services)
    {
        var caller = services.Caller;
        var (action, events) = await services.History.GetAsync(caller, id, requestId, IncludeDeleted(services), services.Aborted);
        var view = InstanceActionView.Action(action);
        // Before 2.51 only admins see events; from 2.51 owners see them too, but the traceback stays an admin's.
        if (caller.IsAdmin || services.Version >= ComputeMicroversions.InstanceActionEventsForOwners)
        {
            view["events"] = events.Select(e => InstanceActionView.Event(e, showTraceback: caller.IsAdmin)).ToList();
        }

        return TypedResults.Ok(new One(view));
    }

    private static bool IncludeDeleted(ServerRequestServices services) => services.Version >= ComputeMicroversions.InstanceActionsOfDeletedServers;
}
