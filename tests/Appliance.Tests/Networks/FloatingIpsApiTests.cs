using System.Net;
using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Hypervisor.Networking;
using Appliance.Tests.Hosting;
using Appliance.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Networks;

/// <summary>
/// Floating IPs and port forwardings through the Network API on the test driver: the NAT the host would get is read from
/// the in-memory NAT driver (the host is never touched). An admin makes a LAN network external; a member takes floating
/// addresses from its pool, associates them with ports on its own network, forwards ports, and gets Neutron's faults.
/// </summary>
public sealed class FloatingIpsApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    private ServerApiSession Session => fixture.Session;

    private InMemoryGuestNatDriver Nat => (InMemoryGuestNatDriver)Session.Factory.Services.GetRequiredService<IGuestNatDriver>();

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null, string? token = null)
    {
        var (status, body, _) = await Session.Send(method, "/network/v2.0" + path, json, token);
        return (status, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    private static string FreeCidr(int nth) =>
        new[] { "198.18.7.0/24", "198.19.7.0/24", "198.18.9.0/24", "198.19.9.0/24", "203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24" }
            .Where(cidr => !HostRoutes.Read().Any(route => route.Overlaps(Ipv4Cidr.Parse(cidr)))).ElementAt(nth);

    private static string Prefix(string cidr) => cidr[..cidr.LastIndexOf('.')];

    private static string Id(JsonNode? body, string resource) => body![resource]!["id"]!.GetValue<string>();

    private static string Error(JsonNode? body) => body!["NeutronError"]!["type"]!.GetValue<string>();

    /// <summary>A LAN network with a pool of three addresses, made external by the admin's PUT (a member's is 403).</summary>
    private async Task<(string Id, string Prefix)> ExternalNetworkAsync(string name, string cidr)
    {
        var network = await Session.Factory.Services.GetRequiredService<ProviderNetworks>().CreateAsync(
            new NewProviderNetwork(name, "", $"br-{name}", cidr, $"{Prefix(cidr)}.200", $"{Prefix(cidr)}.202") { Gateway = $"{Prefix(cidr)}.1" });
        var (status, body) = await SendAsync(HttpMethod.Put, $"/networks/{network.Id}", """{"network": {"router:external": true}}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        (status, body) = await SendAsync(HttpMethod.Put, $"/networks/{network.Id}", """{"network": {"router:external": true}}""", Session.AdminToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body!["network"]!["router:external"]!.GetValue<bool>());
        return (network.Id, Prefix(cidr));
    }

    /// <summary>The member's own NAT network with a subnet, and a port on it.</summary>
    private async Task<(string NetworkId, string PortId, string FixedIp, string Cidr)> MemberPortAsync(string name, string cidr)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/networks", $$$"""{"network": {"name": "{{{name}}}"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var networkId = Id(body, "network");
        (status, body) = await SendAsync(HttpMethod.Post, "/subnets", $$$"""{"subnet": {"network_id": "{{{networkId}}}", "cidr": "{{{cidr}}}", "ip_version": 4}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        (status, body) = await SendAsync(HttpMethod.Post, "/ports", $$$"""{"port": {"network_id": "{{{networkId}}}", "fixed_ips": [{"ip_address": "{{{Prefix(cidr)}}}.10"}]}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        return (networkId, Id(body, "port"), $"{Prefix(cidr)}.10", cidr);
    }

    [Fact]
    public async Task AFloatingIp_FromTheExternalPool_IsNatedToItsPort_ShownOnTheServer_AndGoesWithIt()
    {
        var (externalId, lan) = await ExternalNetworkAsync("lan", FreeCidr(0));
        var (_, portId, fixedIp, internalCidr) = await MemberPortAsync("inside", FreeCidr(1));

        var (status, body) = await SendAsync(HttpMethod.Post, "/floatingips", $$$"""{"floatingip": {"floating_network_id": "{{{externalId}}}", "description": "web"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var fip = body!["floatingip"]!;
        var fipId = fip["id"]!.GetValue<string>();
        Assert.Equal(($"{lan}.200", externalId, "DOWN", "web", Session.Member.ProjectId), (fip["floating_ip_address"]!.GetValue<string>(),
            fip["floating_network_id"]!.GetValue<string>(), fip["status"]!.GetValue<string>(), fip["description"]!.GetValue<string>(), fip["project_id"]!.GetValue<string>()));
        Assert.Null(fip["port_id"]);
        Assert.Null(fip["router_id"]);
        Assert.Null(fip["port_details"]);

        // Associated with the port: ACTIVE, the port's details, and the host's NAT carries it.
        (status, body) = await SendAsync(HttpMethod.Put, $"/floatingips/{fipId}", $$$"""{"floatingip": {"port_id": "{{{portId}}}"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        fip = body!["floatingip"]!;
        Assert.Equal(("ACTIVE", portId, fixedIp), (fip["status"]!.GetValue<string>(), fip["port_id"]!.GetValue<string>(), fip["fixed_ip_address"]!.GetValue<string>()));
        Assert.Equal("DOWN", fip["port_details"]!["status"]!.GetValue<string>());
        var nat = Nat.Applied!;
        var floating = Assert.Single(nat.FloatingAddresses);
        Assert.Equal(($"{lan}.200", "br-lan", fixedIp), (floating.Address, floating.ExternalBridge, floating.FixedAddress));
        Assert.Equal([$"{lan}.200"], nat.ExternalBridges.Single(b => b.Bridge == "br-lan").Addresses);
        Assert.Contains(nat.RoutedNetworks, routed => routed.Cidr == internalCidr);
        Assert.StartsWith("table ip appliance_", NftGuestNatRuleset.Write(nat));

        // A second floating IP for the same fixed address is Neutron's 409; the list filters as Neutron's.
        (status, body) = await SendAsync(HttpMethod.Post, "/floatingips", $$$"""{"floatingip": {"floating_network_id": "{{{externalId}}}", "port_id": "{{{portId}}}"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("FloatingIPPortAlreadyAssociated", Error(body));
        (status, body) = await SendAsync(HttpMethod.Get, $"/floatingips?port_id={portId}&fields=id&fields=floating_ip_address");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal($$"""{"floatingips": [{"id": "{{fipId}}", "floating_ip_address": "{{lan}}.200"}]}""", body!.ToJsonString());

        // Another project sees nothing of it.
        (status, body) = await SendAsync(HttpMethod.Get, $"/floatingips/{fipId}", token: fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("FloatingIPNotFound", Error(body));
        (_, body) = await SendAsync(HttpMethod.Get, "/floatingips", token: fixture.OutsiderToken);
        Assert.Empty(body!["floatingips"]!.AsArray());
        (status, body) = await SendAsync(HttpMethod.Put, $"/floatingips/{fipId}", """{"floatingip": {"port_id": null}}""", fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);

        // A server on the port shows the floating address after the fixed one, with the same MAC, in show, detail and /ips.
        var serverId = await Session.CreateServerAsync("fip-vm", extra: $$$""", "networks": [{"port": "{{{portId}}}"}]""");
        var server = await Session.WaitForStatusAsync(serverId, ["ACTIVE", "ERROR"]);
        Assert.Equal("ACTIVE", server.GetProperty("status").GetString());
        var addresses = server.GetProperty("addresses").GetProperty("inside");
        Assert.Equal([(fixedIp, "fixed"), ($"{lan}.200", "floating")],
            addresses.EnumerateArray().Select(a => (a.GetProperty("addr").GetString(), a.GetProperty("OS-EXT-IPS:type").GetString())).ToList());
        Assert.Equal(addresses[0].GetProperty("OS-EXT-IPS-MAC:mac_addr").GetString(), addresses[1].GetProperty("OS-EXT-IPS-MAC:mac_addr").GetString());
        var (_, detail, _) = await Session.Send(HttpMethod.Get, "/v2.1/servers/detail");
        Assert.Contains($"\"addr\":\"{lan}.200\",\"OS-EXT-IPS:type\":\"floating\"", detail.Replace(" ", ""));
        var (_, ips, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{serverId}/ips");
        JsonAssert.Equal($$$"""{"addresses": {"inside": [{"version": 4, "addr": "{{{fixedIp}}}"}, {"version": 4, "addr": "{{{lan}}}.200"}]}}""", ips);

        // Disassociated: DOWN, and the NAT lets go of it.
        (status, body) = await SendAsync(HttpMethod.Put, $"/floatingips/{fipId}", """{"floatingip": {"port_id": null}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("DOWN", body!["floatingip"]!["status"]!.GetValue<string>());
        Assert.Null(body["floatingip"]!["fixed_ip_address"]);
        Assert.Empty(Nat.Applied!.FloatingAddresses);
        Assert.Empty(Nat.Applied.ExternalBridges.Single(b => b.Bridge == "br-lan").Addresses);

        (status, _) = await SendAsync(HttpMethod.Delete, $"/floatingips/{fipId}");
        Assert.Equal(HttpStatusCode.NoContent, status);
        (status, body) = await SendAsync(HttpMethod.Get, $"/floatingips/{fipId}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        // Its address is free again.
        (status, body) = await SendAsync(HttpMethod.Post, "/floatingips", $$$"""{"floatingip": {"floating_network_id": "{{{externalId}}}", "floating_ip_address": "{{{lan}}}.200"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        (status, _) = await SendAsync(HttpMethod.Delete, $"/floatingips/{Id(body, "floatingip")}");
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    [Fact]
    public async Task TheExternalPool_RunsDry_AndWhatCannotBeNated_IsRefusedWithNeutronsFaults()
    {
        var (externalId, lan) = await ExternalNetworkAsync("lan2", FreeCidr(2));
        var (internalId, portId, _, _) = await MemberPortAsync("inside2", FreeCidr(3));

        // Not external: 400. Unknown: 404.
        (HttpStatusCode status, JsonNode? body) = await SendAsync(HttpMethod.Post, "/floatingips", $$$"""{"floatingip": {"floating_network_id": "{{{internalId}}}"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("is not a valid external network", body!["NeutronError"]!["message"]!.GetValue<string>());
        (status, body) = await SendAsync(HttpMethod.Post, "/floatingips", """{"floatingip": {"floating_network_id": "00000000-0000-0000-0000-000000000000"}}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("NetworkNotFound", Error(body));
        (status, body) = await SendAsync(HttpMethod.Post, "/floatingips", $$$"""{"floatingip": {"floating_network_id": "{{{externalId}}}", "router_id": null}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);

        // A port on the LAN itself cannot be NAT'd to: 400.
        (status, body) = await SendAsync(HttpMethod.Post, "/ports", $$$"""{"port": {"network_id": "{{{externalId}}}"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var lanPort = Id(body, "port");
        (status, body) = await SendAsync(HttpMethod.Post, "/floatingips", $$$"""{"floatingip": {"floating_network_id": "{{{externalId}}}", "port_id": "{{{lanPort}}}"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        // Another project's port is not found.
        (status, body) = await SendAsync(HttpMethod.Post, "/floatingips",
            $$$"""{"floatingip": {"floating_network_id": "{{{externalId}}}", "port_id": "{{{portId}}}"}}""", fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("PortNotFound", Error(body));
        (status, _) = await SendAsync(HttpMethod.Delete, $"/ports/{lanPort}");
        Assert.Equal(HttpStatusCode.NoContent, status);

        // Three addresses in the pool (the lan port took .200 and gave it back); the fourth is Neutron's 409.
        var taken = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            (status, body) = await SendAsync(HttpMethod.Post, "/floatingips", $$$"""{"floatingip": {"floating_network_id": "{{{externalId}}}"}}""");
            Assert.Equal(HttpStatusCode.Created, status);
            taken.Add(Id(body, "floatingip"));
        }

        (status, body) = await SendAsync(HttpMethod.Post, "/floatingips", $$$"""{"floatingip": {"floating_network_id": "{{{externalId}}}"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal($$$"""{"NeutronError": {"type": "IpAddressGenerationFailure", "message": "No more IP addresses available on network {{{externalId}}}.", "detail": ""}}""",
            body!.ToJsonString());
        // The floating IPs' ports are nobody's: no member sees them, and they cannot be deleted as ports.
        (_, body) = await SendAsync(HttpMethod.Get, $"/ports?network_id={externalId}");
        Assert.Empty(body!["ports"]!.AsArray());
        (_, body) = await SendAsync(HttpMethod.Get, $"/ports?network_id={externalId}&device_owner=network:floatingip", token: Session.AdminToken);
        var fipPort = body!["ports"]!.AsArray()[0]!["id"]!.GetValue<string>();
        Assert.Equal(3, body["ports"]!.AsArray().Count);
        (status, _) = await SendAsync(HttpMethod.Delete, $"/ports/{fipPort}", token: Session.AdminToken);
        Assert.Equal(HttpStatusCode.Conflict, status);
        // The external network is in use while they hold its addresses.
        (status, body) = await SendAsync(HttpMethod.Delete, $"/networks/{externalId}", token: Session.AdminToken);
        Assert.Equal(HttpStatusCode.Conflict, status);

        foreach (var id in taken)
        {
            (status, _) = await SendAsync(HttpMethod.Delete, $"/floatingips/{id}");
            Assert.Equal(HttpStatusCode.NoContent, status);
        }

        _ = lan;
    }

    [Fact]
    public async Task APortForwarding_PublishesOnePort_ExcludesAnAssociation_AndConflictsAre409()
    {
        var (externalId, lan) = await ExternalNetworkAsync("lan3", FreeCidr(4));
        var (_, portId, fixedIp, _) = await MemberPortAsync("inside3", FreeCidr(5));
        var (status, body) = await SendAsync(HttpMethod.Post, "/floatingips", $$$"""{"floatingip": {"floating_network_id": "{{{externalId}}}"}}""");
        var fipId = Id(body, "floatingip");
        var forwardingBody = $$$"""
            {"port_forwarding": {"protocol": "tcp", "external_port": 2222, "internal_port": 22, "internal_port_id": "{{{portId}}}", "internal_ip_address": "{{{fixedIp}}}", "description": "ssh"}}
            """;

        (status, body) = await SendAsync(HttpMethod.Post, $"/floatingips/{fipId}/port_forwardings", forwardingBody);
        Assert.Equal(HttpStatusCode.Created, status);
        var forwardingId = Id(body, "port_forwarding");
        JsonAssert.Equal($$$"""
            {"port_forwarding": {"id": "{{{forwardingId}}}", "protocol": "tcp", "external_port": 2222, "internal_port": 22, "internal_ip_address": "{{{fixedIp}}}",
             "internal_port_id": "{{{portId}}}", "description": "ssh"}}
            """, body!.ToJsonString());
        var floating = Assert.Single(Nat.Applied!.FloatingAddresses);
        Assert.Null(floating.FixedAddress);
        Assert.Equal(new FloatingForward("tcp", 2222, fixedIp, 22), Assert.Single(floating.Forwards));
        (_, body) = await SendAsync(HttpMethod.Get, $"/floatingips/{fipId}");
        JsonAssert.Equal($$"""[{"protocol": "tcp", "internal_ip_address": "{{fixedIp}}", "internal_port": 22, "external_port": 2222}]""",
            body!["floatingip"]!["port_forwardings"]!.ToJsonString());

        // The same external port again, or the same internal end: 409.
        (status, body) = await SendAsync(HttpMethod.Post, $"/floatingips/{fipId}/port_forwardings", forwardingBody);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("PortForwardingConflict", Error(body));
        // A floating IP with forwardings takes no association.
        (status, body) = await SendAsync(HttpMethod.Put, $"/floatingips/{fipId}", $$$"""{"floatingip": {"port_id": "{{{portId}}}"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        // Bad input: 400.
        (status, _) = await SendAsync(HttpMethod.Post, $"/floatingips/{fipId}/port_forwardings", forwardingBody.Replace("2222", "70000"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        (status, _) = await SendAsync(HttpMethod.Post, $"/floatingips/{fipId}/port_forwardings", forwardingBody.Replace("\"tcp\"", "\"sctp\""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        (status, _) = await SendAsync(HttpMethod.Post, $"/floatingips/{fipId}/port_forwardings", forwardingBody.Replace(fixedIp, $"{lan}.9").Replace("2222", "2223"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        // Another project's floating IP is not found.
        (status, body) = await SendAsync(HttpMethod.Get, $"/floatingips/{fipId}/port_forwardings", token: fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);

        (status, body) = await SendAsync(HttpMethod.Put, $"/floatingips/{fipId}/port_forwardings/{forwardingId}", """{"port_forwarding": {"external_port": 8022}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(8022, body!["port_forwarding"]!["external_port"]!.GetValue<int>());
        (_, body) = await SendAsync(HttpMethod.Get, $"/floatingips/{fipId}/port_forwardings?external_port=8022");
        Assert.Single(body!["port_forwardings"]!.AsArray());

        (status, _) = await SendAsync(HttpMethod.Delete, $"/floatingips/{fipId}/port_forwardings/{forwardingId}");
        Assert.Equal(HttpStatusCode.NoContent, status);
        (status, body) = await SendAsync(HttpMethod.Get, $"/floatingips/{fipId}/port_forwardings/{forwardingId}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("PortForwardingNotFound", Error(body));
        Assert.Empty(Nat.Applied!.FloatingAddresses);

        // An associated floating IP takes no forwarding; a fixed address with its own floating IP is no forwarding's target.
        (status, _) = await SendAsync(HttpMethod.Put, $"/floatingips/{fipId}", $$$"""{"floatingip": {"port_id": "{{{portId}}}"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        (status, body) = await SendAsync(HttpMethod.Post, $"/floatingips/{fipId}/port_forwardings", forwardingBody);
        Assert.Equal(HttpStatusCode.Conflict, status);
        (status, body) = await SendAsync(HttpMethod.Post, "/floatingips", $$$"""{"floatingip": {"floating_network_id": "{{{externalId}}}"}}""");
        var second = Id(body, "floatingip");
        (status, body) = await SendAsync(HttpMethod.Post, $"/floatingips/{second}/port_forwardings", forwardingBody);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("PortHasBindingFloatingIP", Error(body));

        // The port's delete takes the association with it (and the NAT).
        (status, _) = await SendAsync(HttpMethod.Delete, $"/ports/{portId}");
        Assert.Equal(HttpStatusCode.NoContent, status);
        (_, body) = await SendAsync(HttpMethod.Get, $"/floatingips/{fipId}");
        Assert.Equal("DOWN", body!["floatingip"]!["status"]!.GetValue<string>());
        Assert.Null(body["floatingip"]!["port_id"]);
        Assert.Empty(Nat.Applied!.FloatingAddresses);
    }
}
