using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>/v2.0/ports: the caller's own (all, for an admin), with Neutron's filters: device_id, network_id, fixed_ips=ip_address=....</summary>
public static class PortsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.V2 + "/ports", List);
        routes.MapGet(NeutronApi.V2 + "/ports/{portId}", Show);
    }

    private static async Task<Ok<JsonObject>> List([AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var ports = await services.Networks.PortsAsync(caller, services.Aborted);
        return TypedResults.Ok(NeutronListQuery.Answer(ports.Select(port => NeutronViews.Port(port, caller.IsAdmin)).ToList(), "ports", services.Request));
    }

    private static async Task<Ok<JsonObject>> Show(string portId, [AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var port = await services.Networks.PortAsync(caller, portId, services.Aborted);
        return TypedResults.Ok(new JsonObject { ["port"] = NeutronListQuery.Project(NeutronViews.Port(port, caller.IsAdmin), services.Request.Query) });
    }
}
