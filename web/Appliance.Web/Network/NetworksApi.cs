using System.Text.Json.Nodes;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>/v2.0/networks: the caller's own and the shared networks (all, for an admin), with Neutron's filters; create, update, delete.</summary>
public static class NetworksApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.V2 + "/networks", List);
        routes.MapPost(NeutronApi.V2 + "/networks", Create);
        routes.MapGet(NeutronApi.V2 + "/networks/{networkId}", Show);
        routes.MapPut(NeutronApi.V2 + "/networks/{networkId}", Update);
        routes.MapDelete(NeutronApi.V2 + "/networks/{networkId}", Delete);
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

    private static async Task<JsonHttpResult<JsonObject>> Create(JsonBody<JsonObject> body, [AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var network = await services.Writes.CreateNetworkAsync(caller, NeutronBodies.Network(body.Value, create: true), services.Aborted);
        return TypedResults.Json(new JsonObject { ["network"] = NeutronViews.Network(network, caller.IsAdmin) }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Ok<JsonObject>> Update(string networkId, JsonBody<JsonObject> body, [AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var network = await services.Writes.UpdateNetworkAsync(caller, networkId, NeutronBodies.Network(body.Value, create: false), services.Aborted);
        return TypedResults.Ok(new JsonObject { ["network"] = NeutronViews.Network(network, caller.IsAdmin) });
    }

    private static async Task<NoContent> Delete(string networkId, [AsParameters] NeutronRequestServices services)
    {
        await services.Writes.DeleteNetworkAsync(services.Caller, networkId, services.Aborted);
        return TypedResults.NoContent();
    }
}
