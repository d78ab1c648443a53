using System.Text.Json.Nodes;
using Appliance.Core.Identity;
using Appliance.Core.Networks;
using Appliance.Web.Faults;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Networks;

/// <summary>
/// /os-networks as Nova proxies it from Neutron up to 2.35: the networks the caller sees, by id and label (the name), every
/// nova-network field null; admins get the admin fields, null too. Older clients resolve --network NAME here.
/// </summary>
public static class ComputeNetworksApi
{
    private static readonly string[] Fields = ["cidr", "netmask", "gateway", "broadcast", "dns1", "dns2", "cidr_v6", "gateway_v6", "netmask_v6"];

    private static readonly string[] AdminFields =
    [
        "created_at", "updated_at", "deleted_at", "deleted", "injected", "bridge", "vlan", "vpn_public_address", "vpn_public_port",
        "vpn_private_address", "dhcp_start", "project_id", "host", "bridge_interface", "multi_host", "priority", "rxtx_base", "mtu",
        "dhcp_server", "enable_dhcp", "share_address",
    ];

    public static IEndpointRouteBuilder MapComputeNetworksApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var networks = ComputeApiGroups.Group(routes, version, "/os-networks", ComputeMicroversions.NetworkProxiesRemoved);
            networks.MapGet("", List);
            networks.MapGet("/{id}", Show);
        }

        return routes;
    }

    /// <summary>What the handlers need: the caller and the network reads.</summary>
    public sealed class Services(HttpContext http, [FromServices] NetworkQueries networks)
    {
        public HttpContext Http { get; } = http;

        public NetworkQueries Networks { get; } = networks;

        public RequestContext Caller => Http.Caller();

        public CancellationToken Aborted => Http.RequestAborted;
    }

    private static async Task<Ok<JsonObject>> List([AsParameters] Services services)
    {
        var caller = services.Caller;
        var networks = await services.Networks.NetworksAsync(caller, services.Aborted);
        return TypedResults.Ok(new JsonObject { ["networks"] = new JsonArray(networks.Select(network => (JsonNode)View(network.Network, caller.IsAdmin)).ToArray()) });
    }

    private static async Task<Ok<JsonObject>> Show(string id, [AsParameters] Services services)
    {
        var caller = services.Caller;
        var visible = (await services.Networks.NetworksAsync(caller, services.Aborted)).FirstOrDefault(network => network.Network.Id == id)
            ?? throw new FaultException(Fault.NotFound("Network not found"));
        return TypedResults.Ok(new JsonObject { ["network"] = View(visible.Network, caller.IsAdmin) });
    }

    /// <summary>Nova's network_dict over a Neutron network: only id and label carry a value.</summary>
    private static JsonObject View(NetworkRecord network, bool admin)
    {
        var view = new JsonObject { ["id"] = network.Id };
        foreach (var field in Fields)
        {
            view[field] = null;
        }

        view["label"] = network.Name;
        foreach (var field in admin ? AdminFields : [])
        {
            view[field] = null;
        }

        return view;
    }
}
