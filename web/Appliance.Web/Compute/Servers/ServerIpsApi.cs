using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Servers;

/// <summary>/servers/{id}/ips: a server's addresses by network label. The appliance has no networks yet, so there are none.</summary>
public static class ServerIpsApi
{
    public static IEndpointRouteBuilder MapServerIpsApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var ips = ComputeApiGroups.Group(routes, version, "/servers/{id}/ips");
            ips.MapGet("", List);
            ips.MapGet("/{label}", Show);
        }

        return routes;
    }

    private static async Task<IResult> List(HttpContext context, string id, ServerService servers)
    {
        await servers.GetAsync(ServerCaller.From(context.Caller()), id, context.RequestAborted);
        return TypedResults.Json(new { addresses = new Dictionary<string, object>() });
    }

    private static async Task<IResult> Show(HttpContext context, string id, ServerService servers)
    {
        await servers.GetAsync(ServerCaller.From(context.Caller()), id, context.RequestAborted);
        throw new FaultException(Fault.NotFound("Instance is not a member of specified network"));
    }
}
