using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>/v2.0/subnets: those of the networks the caller may see, with Neutron's filters.</summary>
public static class SubnetsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.V2 + "/subnets", List);
        routes.MapGet(NeutronApi.V2 + "/subnets/{subnetId}", Show);
    }

    private static async Task<Ok<JsonObject>> List([AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var subnets = await services.Networks.SubnetsAsync(caller, services.Aborted);
        return TypedResults.Ok(NeutronListQuery.Answer(subnets.Select(NeutronViews.Subnet).ToList(), "subnets", services.Request));
    }

    private static async Task<Ok<JsonObject>> Show(string subnetId, [AsParameters] NeutronRequestServices services)
    {
        var caller = services.Caller;
        var subnet = await services.Networks.SubnetAsync(caller, subnetId, services.Aborted);
        return TypedResults.Ok(new JsonObject { ["subnet"] = NeutronListQuery.Project(NeutronViews.Subnet(subnet), services.Request.Query) });
    }
}
