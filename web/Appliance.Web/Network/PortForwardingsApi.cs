using System.Text.Json.Nodes;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>/v2.0/floatingips/{id}/port_forwardings: one port of a floating address to a port of a guest (Neutron's floating IP port forwarding).</summary>
public static class PortForwardingsApi
{
    private const string Collection = NeutronApi.V2 + "/floatingips/{floatingIpId}/port_forwardings";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(Collection, List);
        routes.MapPost(Collection, Create);
        routes.MapGet(Collection + "/{forwardingId}", Show);
        routes.MapPut(Collection + "/{forwardingId}", Update);
        routes.MapDelete(Collection + "/{forwardingId}", Delete);
    }

    private static async Task<Ok<JsonObject>> List(string floatingIpId, [AsParameters] FloatingIpRequestServices services)
    {
        var forwardings = await services.FloatingIps.ForwardingsAsync(services.Caller, floatingIpId, services.Aborted);
        return TypedResults.Ok(NeutronListQuery.Answer(forwardings.Select(FloatingIpViews.PortForwarding).ToList(), "port_forwardings", services.Request));
    }

    private static async Task<Ok<JsonObject>> Show(string floatingIpId, string forwardingId, [AsParameters] FloatingIpRequestServices services)
    {
        var forwarding = await services.FloatingIps.ForwardingAsync(services.Caller, floatingIpId, forwardingId, services.Aborted);
        return TypedResults.Ok(new JsonObject { ["port_forwarding"] = NeutronListQuery.Project(FloatingIpViews.PortForwarding(forwarding), services.Request.Query) });
    }

    private static async Task<JsonHttpResult<JsonObject>> Create(string floatingIpId, JsonBody<JsonObject> body, [AsParameters] FloatingIpRequestServices services)
    {
        var forwarding = await services.FloatingIps.CreateForwardingAsync(
            services.Caller, floatingIpId, FloatingIpBodies.PortForwarding(body.Value, create: true), services.Aborted);
        return TypedResults.Json(new JsonObject { ["port_forwarding"] = FloatingIpViews.PortForwarding(forwarding) }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Ok<JsonObject>> Update(string floatingIpId, string forwardingId, JsonBody<JsonObject> body, [AsParameters] FloatingIpRequestServices services)
    {
        var forwarding = await services.FloatingIps.UpdateForwardingAsync(
            services.Caller, floatingIpId, forwardingId, FloatingIpBodies.PortForwarding(body.Value, create: false), services.Aborted);
        return TypedResults.Ok(new JsonObject { ["port_forwarding"] = FloatingIpViews.PortForwarding(forwarding) });
    }

    private static async Task<NoContent> Delete(string floatingIpId, string forwardingId, [AsParameters] FloatingIpRequestServices services)
    {
        await services.FloatingIps.DeleteForwardingAsync(services.Caller, floatingIpId, forwardingId, services.Aborted);
        return TypedResults.NoContent();
    }
}
