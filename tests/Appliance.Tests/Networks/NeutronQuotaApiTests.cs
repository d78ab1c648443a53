using System.Net;
using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Servers;

namespace Appliance.Tests.Networks;

/// <summary>
/// Neutron's quota API and its enforcement on the test driver: a member reads its own limits, an admin sets and resets
/// them, creates past a limit get 409 OverQuota, and a server create past the port quota gets Nova's 403.
/// </summary>
public sealed class NeutronQuotaApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    private ServerApiSession Session => fixture.Session;

    private string Project => Session.Member.ProjectId;

    private const string Defaults = """{"floatingip": 50, "network": 100, "port": 500, "security_group": 10, "security_group_rule": 100, "subnet": 100}""";

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null, string? token = null)
    {
        var (status, body, _) = await Session.Send(method, "/network/v2.0" + path, json, token);
        return (status, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    private static string NeutronError(string type, string message) =>
        new JsonObject { ["NeutronError"] = new JsonObject { ["type"] = type, ["message"] = message, ["detail"] = "" } }.ToJsonString();

    private async Task SetAsync(string quota)
    {
        var (status, body) = await SendAsync(HttpMethod.Put, $"/quotas/{Project}", $$$"""{"quota": {{{quota}}}}""", Session.AdminToken);
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
    }

    private async Task ResetAsync() => await SendAsync(HttpMethod.Delete, $"/quotas/{Project}", token: Session.AdminToken);

    [Fact]
    public async Task AMember_ReadsItsOwnLimits_AnAdminSetsAndResetsThem()
    {
        await ResetAsync();
        var (status, body) = await SendAsync(HttpMethod.Get, $"/quotas/{Project}");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal($$$"""{"quota": {{{Defaults}}}}""", body!.ToJsonString());

        (status, body) = await SendAsync(HttpMethod.Put, $"/quotas/{Project}", """{"quota": {"network": 7, "port": "12"}}""", Session.AdminToken);
        Assert.Equal(HttpStatusCode.OK, status);
        var set = """{"floatingip": 50, "network": 7, "port": 12, "security_group": 10, "security_group_rule": 100, "subnet": 100}""";
        JsonAssert.Equal($$$"""{"quota": {{{set}}}}""", body!.ToJsonString());
        (_, body) = await SendAsync(HttpMethod.Get, $"/quotas/{Project}");
        JsonAssert.Equal($$$"""{"quota": {{{set}}}}""", body!.ToJsonString());
        (_, body) = await SendAsync(HttpMethod.Get, $"/quotas/{Project}/default");
        JsonAssert.Equal($$$"""{"quota": {{{Defaults}}}}""", body!.ToJsonString());

        // The list shows the projects with limits set, under both of Neutron's project keys.
        (status, body) = await SendAsync(HttpMethod.Get, "/quotas", token: Session.AdminToken);
        Assert.Equal(HttpStatusCode.OK, status);
        var row = body!["quotas"]!.AsArray().Single(r => r!["project_id"]!.GetValue<string>() == Project)!;
        JsonAssert.Equal($$$"""{"floatingip": 50, "network": 7, "port": 12, "security_group": 10, "security_group_rule": 100, "subnet": 100, "project_id": "{{{Project}}}", "tenant_id": "{{{Project}}}"}""",
            row.ToJsonString());

        // Details count the project's own rows: its servers' ports are ports too.
        var (_, ports) = await SendAsync(HttpMethod.Get, "/ports");
        var (_, networks) = await SendAsync(HttpMethod.Get, $"/networks?project_id={Project}");
        (status, body) = await SendAsync(HttpMethod.Get, $"/quotas/{Project}/details");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((7, networks!["networks"]!.AsArray().Count, 0), Use(body!, "network"));
        Assert.Equal((12, ports!["ports"]!.AsArray().Count, 0), Use(body!, "port"));
        Assert.Equal((50, 0, 0), Use(body!, "floatingip"));
        Assert.Equal(NetworkQuotaResources.Defaults.Keys.Order(StringComparer.Ordinal), body!["quota"]!.AsObject().Select(pair => pair.Key));

        // Nova's quota reset leaves the network service's limits alone; Neutron's reset puts them back, then has nothing to reset.
        Assert.Equal(HttpStatusCode.Accepted, (await Session.Send(HttpMethod.Delete, $"/v2.1/os-quota-sets/{Project}", token: Session.AdminToken)).Status);
        (_, body) = await SendAsync(HttpMethod.Get, $"/quotas/{Project}");
        Assert.Equal(7, body!["quota"]!["network"]!.GetValue<int>());
        (status, body) = await SendAsync(HttpMethod.Delete, $"/quotas/{Project}", token: Session.AdminToken);
        Assert.Equal((HttpStatusCode.NoContent, (JsonNode?)null), (status, body));
        (_, body) = await SendAsync(HttpMethod.Get, $"/quotas/{Project}");
        JsonAssert.Equal($$$"""{"quota": {{{Defaults}}}}""", body!.ToJsonString());
        (status, body) = await SendAsync(HttpMethod.Delete, $"/quotas/{Project}", token: Session.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(NeutronError("TenantQuotaNotFound", $"Quota for tenant {Project} could not be found."), body!.ToJsonString());
    }

    private static (int Limit, int Used, int Reserved) Use(JsonNode body, string resource) =>
        (body["quota"]![resource]!["limit"]!.GetValue<int>(), body["quota"]![resource]!["used"]!.GetValue<int>(), body["quota"]![resource]!["reserved"]!.GetValue<int>());

    [Theory]
    [InlineData("PUT", "/quotas/{project}", """{"quota": {"network": 5}}""", "member", 403, "HTTPForbidden", "rule:update_quota is disallowed by policy")]
    [InlineData("DELETE", "/quotas/{project}", null, "member", 403, "HTTPForbidden", "rule:delete_quota is disallowed by policy")]
    [InlineData("GET", "/quotas", null, "member", 403, "HTTPForbidden", "rule:get_quota is disallowed by policy")]
    [InlineData("GET", "/quotas/{project}", null, "outsider", 403, "HTTPForbidden", "rule:get_quota is disallowed by policy")]
    [InlineData("GET", "/quotas/{project}/details", null, "outsider", 403, "HTTPForbidden", "rule:get_quota is disallowed by policy")]
    [InlineData("GET", "/quotas/{project}/default", null, "outsider", 403, "HTTPForbidden", "rule:get_quota is disallowed by policy")]
    [InlineData("PUT", "/quotas/{project}", """{"quota": {"router": 5}}""", "admin", 400, "HTTPBadRequest", "Unrecognized attribute(s) 'router'")]
    [InlineData("PUT", "/quotas/{project}", """{"quota": {"network": "many"}}""", "admin", 400, "HTTPBadRequest", "Invalid input for network. Reason: 'many' is not an integer.")]
    [InlineData("PUT", "/quotas/{project}", """{"quota": {"port": 1.5}}""", "admin", 400, "HTTPBadRequest", "Invalid input for port. Reason: '1.5' is not an integer.")]
    [InlineData("PUT", "/quotas/{project}", """{"quota": {"subnet": -2}}""", "admin", 400, "HTTPBadRequest", "Invalid input for subnet. Reason: '-2' is too small - must be at least '-1'.")]
    [InlineData("PUT", "/quotas/{project}", """{"network": 5}""", "admin", 400, "HTTPBadRequest", "Resource body required: {\"quota\": {...}}")]
    public async Task WhatCantBe_GetsNeutronsFaults(string method, string path, string? json, string who, int code, string type, string message)
    {
        var token = who switch { "admin" => Session.AdminToken, "outsider" => fixture.OutsiderToken, _ => Session.MemberToken };
        var (status, body) = await SendAsync(new HttpMethod(method), path.Replace("{project}", Project), json, token);
        Assert.Equal((HttpStatusCode)code, status);
        JsonAssert.Equal(NeutronError(type, message), body!.ToJsonString());
    }

    [Fact]
    public async Task CreatesPastALimit_Get409OverQuota_AndAServerCreatePastThePortQuota_GetsNovas403()
    {
        await ResetAsync();
        var (_, networks) = await SendAsync(HttpMethod.Get, $"/networks?project_id={Project}");
        var ownNetworks = networks!["networks"]!.AsArray().Count(n => n!["project_id"]!.GetValue<string>() == Project);
        await SetAsync($$$"""{"network": {{{ownNetworks + 1}}}, "subnet": 0}""");
        var (status, body) = await SendAsync(HttpMethod.Post, "/networks", """{"network": {"name": "q1"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var networkId = body!["network"]!["id"]!.GetValue<string>();
        (status, body) = await SendAsync(HttpMethod.Post, "/networks", """{"network": {"name": "q2"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(NeutronError("OverQuota", "Quota exceeded for resources: ['network']."), body!.ToJsonString());
        (status, body) = await SendAsync(HttpMethod.Post, "/subnets", $$$"""{"subnet": {"network_id": "{{{networkId}}}", "cidr": "198.18.77.0/24"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(NeutronError("OverQuota", "Quota exceeded for resources: ['subnet']."), body!.ToJsonString());

        // Ports on the shared private network: the user's own and a server's count alike.
        var (_, privateNetworks) = await SendAsync(HttpMethod.Get, "/networks?name=private");
        var privateId = privateNetworks!["networks"]![0]!["id"]!.GetValue<string>();
        var (_, ports) = await SendAsync(HttpMethod.Get, "/ports");
        await SetAsync($$$"""{"port": {{{ports!["ports"]!.AsArray().Count + 1}}}}""");
        (status, body) = await SendAsync(HttpMethod.Post, "/ports", $$$"""{"port": {"network_id": "{{{privateId}}}"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var portId = body!["port"]!["id"]!.GetValue<string>();
        (status, body) = await SendAsync(HttpMethod.Post, "/ports", $$$"""{"port": {"network_id": "{{{privateId}}}"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(NeutronError("OverQuota", "Quota exceeded for resources: ['port']."), body!.ToJsonString());

        var (serverStatus, serverBody, _) = await Session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "no-port", "imageRef": "{{{Session.ImageId}}}", "flavorRef": "42", "networks": [{"uuid": "{{{privateId}}}"}]}}""");
        Assert.Equal(HttpStatusCode.Forbidden, serverStatus);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Maximum number of ports exceeded"}}""", serverBody);

        // A server given the user's port needs no new one; room for one port lowers max_count 3 to 1, as Nova.
        var onPort = await Session.CreateServerAsync("on-port", extra: $$$""", "networks": [{"port": "{{{portId}}}"}]""");
        Assert.Equal("ACTIVE", (await Session.WaitForStatusAsync(onPort, ["ACTIVE", "ERROR"])).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/networks/{networkId}")).Status);
        (_, ports) = await SendAsync(HttpMethod.Get, "/ports");
        await SetAsync($$$"""{"port": {{{ports!["ports"]!.AsArray().Count + 1}}}}""");
        (serverStatus, serverBody, _) = await Session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "many", "imageRef": "{{{Session.ImageId}}}", "flavorRef": "42", "min_count": 1, "max_count": 3, "return_reservation_id": true, "networks": [{"uuid": "{{{privateId}}}"}]}}""");
        Assert.True(serverStatus == HttpStatusCode.Accepted, serverBody);
        var reservation = JsonNode.Parse(serverBody)!["reservation_id"]!.GetValue<string>();
        var (_, listed, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers?reservation_id={reservation}");
        var made = JsonNode.Parse(listed)!["servers"]!.AsArray();
        Assert.Single(made);
        var many = made[0]!["id"]!.GetValue<string>();
        Assert.Equal("ACTIVE", (await Session.WaitForStatusAsync(many, ["ACTIVE", "ERROR"])).GetProperty("status").GetString());

        await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{onPort}");
        await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{many}");
        await Session.Runner.WhenIdleAsync();
        await SendAsync(HttpMethod.Delete, $"/ports/{portId}");
        await ResetAsync();
    }
}
