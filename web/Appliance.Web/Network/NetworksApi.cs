using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>/v2.0/networks: the caller's own and the shared networks (all, for an admin), with Neutron's filters.</summary>
public static class NetworksApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.V2 + "/networks", List);
        routes.MapGet(NeutronApi.V2 + "/networks/{networkId}", Show);
    }

    private static async Task<Ok<JsonObject>> List([AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var networks = await services.Networks.NetworksAsync(caller, services.Aborted);
        return TypedResults.Ok(NeutronListQuery.Answer(networks.Select(network => NeutronViews.Network(network, caller.IsAdmin)).ToList(), "networks", services.Request));
    }

    private static async Task<Ok<JsonObject>> Show(string networkId, [AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var network = await services.Networks.NetworkAsync(caller, networkId, services.Aborted);
        return TypedResults.Ok(new JsonObject { ["network"] = NeutronListQuery.Project(NeutronViews.Network(network, caller.IsAdmin), services.Request.Query) });
    }
}
