using System.Text.Json.Serialization;
using Appliance.Core.Networks;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Servers;

/// <summary>/servers/{id}/ips: a server's fixed addresses by network name, all of them or one network's.</summary>
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

    /// <summary>One address as /ips shows it: Nova's ips view has only the address and its version.</summary>
    public sealed record Address([property: JsonPropertyName("version")] int Version, [property: JsonPropertyName("addr")] string Addr);

    public sealed record Addresses([property: JsonPropertyName("addresses")] Dictionary<string, List<Address>> ByNetwork);

    private static async Task<Ok<Addresses>> List(string id, [AsParameters] ServerRequestServices services)
    {
        var detail = await services.Servers.ShowAsync(services.Caller, id, services.Aborted);
        return TypedResults.Ok(new Addresses(ByNetwork(detail.Addresses)));
    }

    /// <summary>One network's addresses, keyed by its name; a network the server is not on is a 404 fault.</summary>
    private static async Task<Ok<Dictionary<string, List<Address>>>> Show(string id, string label, [AsParameters] ServerRequestServices services)
    {
        var detail = await services.Servers.ShowAsync(services.Caller, id, services.Aborted);
        return ByNetwork(detail.Addresses).TryGetValue(label, out var addresses)
            ? TypedResults.Ok(new Dictionary<string, List<Address>> { [label] = addresses })
            : throw new FaultException(Fault.NotFound("Instance is not a member of specified network"));
    }

    private static Dictionary<string, List<Address>> ByNetwork(IReadOnlyList<ServerAddress> addresses) =>
        addresses.GroupBy(a => a.NetworkName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(a => new Address(a.Version, a.Address)).ToList(), StringComparer.Ordinal);
}
