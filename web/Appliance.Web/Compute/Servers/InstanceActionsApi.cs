using Appliance.Core.Servers;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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

    private static async Task<IResult> List(HttpContext context, string id, InstanceActionHistory history)
    {
        var actions = await history.ListAsync(ServerCaller.From(context.Caller()), id, IncludeDeleted(context), context.RequestAborted);
        return TypedResults.Json(new { instanceActions = actions.Select(InstanceActionView.Action).ToList() });
    }

    private static async Task<IResult> Show(HttpContext context, string id, string requestId, InstanceActionHistory history)
    {
        var caller = ServerCaller.From(context.Caller());
        var (action, events) = await history.GetAsync(caller, id, requestId, IncludeDeleted(context), context.RequestAborted);
        var view = InstanceActionView.Action(action);
        // Before 2.51 only admins see events; from 2.51 owners see them too, but the traceback stays an admin's.
        if (caller.IsAdmin || context.ComputeVersion() >= ComputeMicroversions.InstanceActionEventsForOwners)
        {
            view["events"] = events.Select(e => InstanceActionView.Event(e, showTraceback: caller.IsAdmin)).ToList();
        }

        return TypedResults.Json(new { instanceAction = view });
    }

    private static bool IncludeDeleted(HttpContext context) => context.ComputeVersion() >= ComputeMicroversions.InstanceActionsOfDeletedServers;
}
