using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>/v2.0/floatingips: the caller's own (all, for an admin), with Neutron's filters; create, associate/disassociate, delete.</summary>
public static class FloatingIpsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.V2 + "/floatingips", List);
        routes.MapPost(NeutronApi.V2 + "/floatingips", Create);
        routes.MapGet(NeutronApi.V2 + "/floatingips/{floatingIpId}", Show);
        routes.MapPut(NeutronApi.V2 + "/floatingips/{floatingIpId}", Update);
        routes.MapDelete(NeutronApi.V2 + "/floatingips/{floatingIpId}", Delete);
    }

    private static async Task<Ok<JsonObject>> List([AsParameters] FloatingIpRequestServices services)
    {
        var fips = await services.FloatingIps.ListAsync(services.Caller, services.Aborted);
        var views = await ViewsAsync(services, fips);
        return TypedResults.Ok(NeutronListQuery.Answer(views, "floatingips", services.Request));
    }

    private static async Task<Ok<JsonObject>> Show(string floatingIpId, [AsParameters] FloatingIpRequestServices services)
    {
        var fip = await services.FloatingIps.ShowAsync(services.Caller, floatingIpId, services.Aborted);
        return TypedResults.Ok(new JsonObject { ["floatingip"] = NeutronListQuery.Project((await ViewsAsync(services, [fip]))[0], services.Request.Query) });
    }

    private static async Task<JsonHttpResult<JsonObject>> Create(JsonBody<JsonObject> body, [AsParameters] FloatingIpRequestServices services)
    {
        var fip = await services.FloatingIps.CreateAsync(services.Caller, FloatingIpBodies.FloatingIp(body.Value, create: true), services.Aborted);
        return TypedResults.Json(new JsonObject { ["floatingip"] = (await ViewsAsync(services, [fip]))[0] }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Ok<JsonObject>> Update(string floatingIpId, JsonBody<JsonObject> body, [AsParameters] FloatingIpRequestServices services)
    {
        var fip = await services.FloatingIps.UpdateAsync(services.Caller, floatingIpId, FloatingIpBodies.FloatingIp(body.Value, create: false), services.Aborted);
        return TypedResults.Ok(new JsonObject { ["floatingip"] = (await ViewsAsync(services, [fip]))[0] });
    }

    private static async Task<NoContent> Delete(string floatingIpId, [AsParameters] FloatingIpRequestServices services)
    {
        await services.FloatingIps.DeleteAsync(services.Caller, floatingIpId, services.Aborted);
        return TypedResults.NoContent();
    }

    /// <summary>The floating IPs with their forwardings and the associated ports' details, read once for the whole list.</summary>
    private static async Task<List<JsonObject>> ViewsAsync(FloatingIpRequestServices services, IReadOnlyList<FloatingIpRecord> fips)
    {
        var ports = (await services.Networks.PortsAsync(services.Caller, services.Aborted)).ToDictionary(p => p.Id, StringComparer.Ordinal);
        var forwardings = new Dictionary<string, IReadOnlyList<PortForwardingRecord>>(StringComparer.Ordinal);
        foreach (var fip in fips)
        {
            forwardings[fip.Id] = await services.FloatingIps.ForwardingsAsync(services.Caller, fip.Id, services.Aborted);
        }

        return fips.Select(fip => FloatingIpViews.FloatingIp(fip, forwardings[fip.Id], ports)).ToList();
    }
}
