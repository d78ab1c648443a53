using System.Net;
using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Servers;

namespace Appliance.Tests.Networks;

/// <summary>
/// The Network API's writes on the test driver (its libvirt networks live in memory): a member's network, subnet and
/// port, a server booted on that port, Neutron's 409s while things are in use, and its 400/403/404 for what can't be.
/// </summary>
public sealed class NeutronWritesApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    private ServerApiSession Session => fixture.Session;

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null, string? token = null)
    {
        var (status, body, _) = await Session.Send(method, "/network/v2.0" + path, json, token);
        return (status, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    /// <summary>A /24 clear of this host's routes (a subnet over one is refused), from the ranges documentation and benchmarks use.</summary>
    private static string NeutronError(string type, string message) =>
        new JsonObject { ["NeutronError"] = new JsonObject { ["type"] = type, ["message"] = message, ["detail"] = "" } }.ToJsonString();

    private async Task<string> NetworkAsync(string name)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/networks", $$$"""{"network": {"name": "{{{name}}}"}}""");
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        return body!["network"]!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task AMembersNetwork_SubnetAndPort_CarryAServer_AndGoOnlyWhenNothingUsesThem()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/networks", """{"network": {"name": "lab", "description": "d"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var network = body!["network"]!;
        var networkId = network["id"]!.GetValue<string>();
        Assert.Equal(("lab", "d", false, "ACTIVE", 0), (network["name"]!.GetValue<string>(), network["description"]!.GetValue<string>(),
            network["shared"]!.GetValue<bool>(), network["status"]!.GetValue<string>(), network["subnets"]!.AsArray().Count));

        var lab = TestCidrs.Free(0);
        var prefix = lab[..lab.LastIndexOf('.')];
        (status, body) = await SendAsync(HttpMethod.Post, "/subnets", $$$"""{"subnet": {"network_id": "{{{networkId}}}", "cidr": "{{{lab}}}", "ip_version": 4, "name": "lab-v4"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var subnetId = body!["subnet"]!["id"]!.GetValue<string>();
        Assert.Equal($"{prefix}.1", body["subnet"]!["gateway_ip"]!.GetValue<string>());
        JsonAssert.Equal($$"""[{"start": "{{prefix}}.2", "end": "{{prefix}}.254"}]""", body["subnet"]!["allocation_pools"]!.ToJsonString());
        (_, body) = await SendAsync(HttpMethod.Get, $"/networks/{networkId}");
        Assert.Equal([subnetId], body!["network"]!["subnets"]!.AsArray().Select(s => s!.GetValue<string>()));

        (status, body) = await SendAsync(HttpMethod.Post, "/ports", $$$"""{"port": {"network_id": "{{{networkId}}}", "name": "p1", "fixed_ips": [{"ip_address": "{{{prefix}}}.10"}]}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var portId = body!["port"]!["id"]!.GetValue<string>();
        Assert.Equal(("", "DOWN", $"{prefix}.10"), (body["port"]!["device_id"]!.GetValue<string>(), body["port"]!["status"]!.GetValue<string>(),
            body["port"]!["fixed_ips"]![0]!["ip_address"]!.GetValue<string>()));

        // The same address again is Neutron's 409.
        (status, body) = await SendAsync(HttpMethod.Post, "/ports", $$$"""{"port": {"network_id": "{{{networkId}}}", "fixed_ips": [{"ip_address": "{{{prefix}}}.10"}]}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);

        // A server booted on the port shows its address under the network's name.
        var serverId = await Session.CreateServerAsync("on-port", extra: $$$""", "networks": [{"port": "{{{portId}}}"}]""");
        var server = await Session.WaitForStatusAsync(serverId, ["ACTIVE", "ERROR"]);
        Assert.Equal("ACTIVE", server.GetProperty("status").GetString());
        Assert.Equal($"{prefix}.10", server.GetProperty("addresses").GetProperty("lab")[0].GetProperty("addr").GetString());
        (_, body) = await SendAsync(HttpMethod.Get, $"/ports/{portId}");
        Assert.Equal((serverId, "compute:nova", "ACTIVE"), (body!["port"]!["device_id"]!.GetValue<string>(), body["port"]!["device_owner"]!.GetValue<string>(), body["port"]!["status"]!.GetValue<string>()));

        (status, body) = await SendAsync(HttpMethod.Delete, $"/networks/{networkId}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(NeutronError("NetworkInUse", $"Unable to complete operation on network {networkId}. There are one or more ports still in use on the network."), body!.ToJsonString());
        (status, body) = await SendAsync(HttpMethod.Delete, $"/subnets/{subnetId}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("SubnetInUse", body!["NeutronError"]!["type"]!.GetValue<string>());
        (status, body) = await SendAsync(HttpMethod.Delete, $"/ports/{portId}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("PortInUse", body!["NeutronError"]!["type"]!.GetValue<string>());

        // The server goes; the user's port stays, unbound, with its address, until it is deleted too.
        await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{serverId}");
        await Session.Runner.WhenIdleAsync();
        (_, body) = await SendAsync(HttpMethod.Get, $"/ports/{portId}");
        Assert.Equal(("", "DOWN"), (body!["port"]!["device_id"]!.GetValue<string>(), body["port"]!["status"]!.GetValue<string>()));
        (status, body) = await SendAsync(HttpMethod.Put, $"/ports/{portId}", """{"port": {"name": "renamed"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("renamed", 4L), (body!["port"]!["name"]!.GetValue<string>(), body["port"]!["revision_number"]!.GetValue<long>()));

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/ports/{portId}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/subnets/{subnetId}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/networks/{networkId}")).Status);
        (status, body) = await SendAsync(HttpMethod.Get, $"/networks/{networkId}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(NeutronError("NetworkNotFound", $"Network {networkId} could not be found."), body!.ToJsonString());
    }

    [Fact]
    public async Task WhatCantBe_GetsNeutronsFaults()
    {
        var networkId = await NetworkAsync("faults");
        var spare = TestCidrs.Free(1);

        // "auto" passes over the member's own network while it has no subnet: the server lands on private.
        var autoId = await fixture.ActiveServerAsync("auto-skips");
        var (_, auto, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{autoId}");
        Assert.Equal(["private"], JsonNode.Parse(auto)!["server"]!["addresses"]!.AsObject().Select(pair => pair.Key));

        var net = spare[..spare.LastIndexOf('.')];
        (HttpStatusCode, string) Expect(HttpStatusCode status, string type, string message) => (status, NeutronError(type, message));

        var (_, privateBody) = await SendAsync(HttpMethod.Get, "/subnets?name=private-subnet");
        var privateCidr = privateBody!["subnets"]![0]!["cidr"]!.GetValue<string>();
        var cases = new (string Method, string Path, string Body, string? Token, (HttpStatusCode, string) Expected)[]
        {
            ("POST", "/networks", """{"network": {"name": "x", "colour": "blue"}}""", null,
                Expect(HttpStatusCode.BadRequest, "HTTPBadRequest", "Unrecognized attribute(s) 'colour'")),
            ("POST", "/networks", """{"network": {"name": "x", "shared": true}}""", null,
                Expect(HttpStatusCode.Forbidden, "HTTPForbidden", "(rule:create_network and rule:create_network:shared) is disallowed by policy")),
            ("POST", "/networks", """{"network": {"name": "x"}}""", fixture.ReaderToken,
                Expect(HttpStatusCode.Forbidden, "HTTPForbidden", "rule:create_network is disallowed by policy")),
            ("POST", "/subnets", $$$"""{"subnet": {"network_id": "{{{networkId}}}", "cidr": "{{{privateCidr}}}"}}""", null,
                Expect(HttpStatusCode.BadRequest, "HTTPBadRequest", $"Invalid input for operation: Requested subnet with cidr: {privateCidr} for network: {networkId} overlaps with another subnet.")),
            ("POST", "/subnets", $$$"""{"subnet": {"network_id": "{{{networkId}}}", "cidr": "{{{net}}}.7/24"}}""", null,
                Expect(HttpStatusCode.BadRequest, "HTTPBadRequest", $"Invalid input for cidr. Reason: '{net}.7/24' is not a valid IP subnet.")),
            ("POST", "/subnets", $$$"""{"subnet": {"network_id": "{{{networkId}}}", "cidr": "2001:db8::/64", "ip_version": 6}}""", null,
                Expect(HttpStatusCode.BadRequest, "HTTPBadRequest", "Invalid input for operation: IPv6 subnets are not supported on the appliance.")),
            ("POST", "/subnets", """{"subnet": {"cidr": "10.0.0.0/24"}}""", null,
                Expect(HttpStatusCode.BadRequest, "HTTPBadRequest", "Failed to parse request. Required attribute 'network_id' not specified")),
            ("POST", "/subnets", $$$"""{"subnet": {"network_id": "{{{networkId}}}", "cidr": "{{{spare}}}", "gateway_ip": "{{{net}}}.5", "allocation_pools": [{"start": "{{{net}}}.2", "end": "{{{net}}}.9"}]}}""", null,
                Expect(HttpStatusCode.BadRequest, "HTTPBadRequest", $"Gateway ip {net}.5 conflicts with allocation pool {net}.2-{net}.9.")),
            ("DELETE", $"/networks/{networkId}", "", fixture.OutsiderToken,
                Expect(HttpStatusCode.NotFound, "NetworkNotFound", $"Network {networkId} could not be found.")),
            ("POST", "/ports", $$$"""{"port": {"network_id": "{{{networkId}}}"}}""", null,
                Expect(HttpStatusCode.BadRequest, "HTTPBadRequest", $"Network {networkId} requires a subnet in order to boot instances on.")),
        };
        foreach (var (method, path, json, token, (expectedStatus, expectedBody)) in cases)
        {
            var (status, body) = await SendAsync(new HttpMethod(method), path, json.Length == 0 ? null : json, token);
            Assert.True(status == expectedStatus, $"{method} {path} {json}: {status} {body?.ToJsonString()}");
            JsonAssert.Equal(expectedBody, body!.ToJsonString());
        }

        // private is the admin's, shared with every project: a member sees it and may not delete it.
        var (_, networks) = await SendAsync(HttpMethod.Get, "/networks?name=private");
        var privateId = networks!["networks"]![0]!["id"]!.GetValue<string>();
        var (refused, refusal) = await SendAsync(HttpMethod.Delete, $"/networks/{privateId}");
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        JsonAssert.Equal(NeutronError("HTTPForbidden", "rule:delete_network is disallowed by policy"), refusal!.ToJsonString());

        // A second subnet on a network: the appliance's networks hold one.
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/subnets", $$$"""{"subnet": {"network_id": "{{{networkId}}}", "cidr": "{{{spare}}}"}}""")).Status);
        var (second, secondBody) = await SendAsync(HttpMethod.Post, "/subnets", $$$"""{"subnet": {"network_id": "{{{networkId}}}", "cidr": "{{{TestCidrs.Free(2)}}}"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, second);
        JsonAssert.Equal(NeutronError("HTTPBadRequest", $"Network {networkId} has a subnet already; a network on the appliance holds one IPv4 subnet."), secondBody!.ToJsonString());
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/networks/{networkId}")).Status);
    }
}
