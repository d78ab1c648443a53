using System.Text.Json.Nodes;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>/v2.0/subnets: those of the networks the caller may see, with Neutron's filters; create (one per network) and delete.</summary>
public static class SubnetsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.V2 + "/subnets", List);
        routes.MapPost(NeutronApi.V2 + "/subnets", Create);
        routes.MapGet(NeutronApi.V2 + "/subnets/{subnetId}", Show);
        routes.MapDelete(NeutronApi.V2 + "/subnets/{subnetId}", Delete);
    }

    private static async Task<Ok<JsonObject>> List([AsParameters] NeutronRequestServices services)
    {
        var subnets = await services.Networks.SubnetsAsync(services.Caller, services.Aborted);
        return TypedResults.Ok(NeutronListQuery.Answer(subnets.Select(NeutronViews.Subnet).ToList(), "subnets", services.Request));
    }

    private static async Task<Ok<JsonObject>> Show(string subnetId, [AsParameters] NeutronRequestServices services)
    {
        var subnet = await services.Networks.SubnetAsync(services.Caller, subnetId, services.Aborted);
        return TypedResults.Ok(new JsonObject { ["subnet"] = NeutronListQuery.Project(NeutronViews.Subnet(subnet), services.Request.Query) });
    }

    private static async Task<JsonHttpResult<JsonObject>> Create(JsonBody<JsonObject> body, [AsParameters] NeutronRequestServices services)
    {
        var subnet = await services.Writes.CreateSubnetAsync(services.Caller, NeutronBodies.Subnet(body.Value), services.Aborted);
        return TypedResults.Json(new JsonObject { ["subnet"] = NeutronViews.Subnet(subnet) }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<NoContent> Delete(string subnetId, [AsParameters] NeutronRequestServices services)
    {
        await services.Writes.DeleteSubnetAsync(services.Caller, subnetId, services.Aborted);
        return TypedResults.NoContent();
    }
}
