using System.Text.Json.Serialization;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

    /// <summary>A server's addresses by network label; always empty here.</summary>
    public sealed record Addresses([property: JsonPropertyName("addresses")] Dictionary<string, object> ByNetwork);

    private static async Task<Ok<Addresses>> List(string id, [AsParameters] ServerRequestServices services)
    {
        await services.Servers.GetAsync(services.Caller, id, services.Aborted);
        return TypedResults.Ok(new Addresses(new Dictionary<string, object>()));
    }

    /// <summary>No answer of its own: with no networks every label is unknown, a 404 fault like a missing server's.</summary>
    private static async Task Show(string id, [AsParameters] ServerRequestServices services)
    {
        await services.Servers.GetAsync(services.Caller, id, services.Aborted);
        throw new FaultException(Fault.NotFound("Instance is not a member of specified network"));
    }
}
