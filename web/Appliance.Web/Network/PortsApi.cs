using System.Text.Json.Nodes;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>/v2.0/ports: the caller's own (all, for an admin), with Neutron's filters (device_id, network_id, fixed_ips=ip_address=...); create, rename, delete.</summary>
public static class PortsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.V2 + "/ports", List);
        routes.MapPost(NeutronApi.V2 + "/ports", Create);
        routes.MapGet(NeutronApi.V2 + "/ports/{portId}", Show);
        routes.MapPut(NeutronApi.V2 + "/ports/{portId}", Update);
        routes.MapDelete(NeutronApi.V2 + "/ports/{portId}", Delete);
    }

    private static async Task<Results<Ok<PortListJson>, Ok<JsonObject>>> List([AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var query = services.Request.Query;
        var ports = PortListFilters.Narrow(await services.Networks.PortsAsync(caller, services.Aborted), query);
        // Only id/device_id/network_id filters, all applied already: the typed writer; anything else takes the general list query.
        return PortListFilters.NeedsListQuery(query)
            ? TypedResults.Ok(NeutronListQuery.Answer(ports.Select(port => NeutronViews.Port(port, caller.IsAdmin)).ToList(), "ports", services.Request))
            : TypedResults.Ok(new PortListJson(ports, caller.IsAdmin));
    }

    private static async Task<Ok<JsonObject>> Show(string portId, [AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var port = await services.Networks.PortAsync(caller, portId, services.Aborted);
        return TypedResults.Ok(new JsonObject { ["port"] = NeutronListQuery.Project(NeutronViews.Port(port, caller.IsAdmin), services.Request.Query) });
    }

    private static async Task<JsonHttpResult<JsonObject>> Create(JsonBody<JsonObject> body, [AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var port = await services.Writes.CreatePortAsync(caller, NeutronBodies.Port(body.Value, create: true), services.Aborted);
        return TypedResults.Json(new JsonObject { ["port"] = NeutronViews.Port(port, caller.IsAdmin) }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Ok<JsonObject>> Update(string portId, JsonBody<JsonObject> body, [AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var port = await services.Writes.UpdatePortAsync(caller, portId, NeutronBodies.Port(body.Value, create: false), services.Aborted);
        return TypedResults.Ok(new JsonObject { ["port"] = NeutronViews.Port(port, caller.IsAdmin) });
    }

    private static async Task<NoContent> Delete(string portId, [AsParameters] NeutronRequestServices services)
    {
        await services.Writes.DeletePortAsync(services.Caller, portId, services.Aborted);
        return TypedResults.NoContent();
    }
}
