using System.Net;
using System.Text.Json.Nodes;
using Appliance.Tests.Hosting;
using Appliance.Tests.Servers;

namespace Appliance.Tests.Networks;

/// <summary>
/// /v2.0/security-groups and /security-group-rules on the test driver: the project's default group with Neutron's rules,
/// a member's group and rules, Neutron's 400s and 409s for rules that can't be, groups in use, another project's 404, and
/// ports' security_groups (a server's port in the groups its create named, else the default).
/// </summary>
public sealed class SecurityGroupsApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    private ServerApiSession Session => fixture.Session;

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null, string? token = null)
    {
        var (status, body, _) = await Session.Send(method, "/network/v2.0" + path, json, token);
        return (status, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    private static string NeutronError(string type, string message) =>
        new JsonObject { ["NeutronError"] = new JsonObject { ["type"] = type, ["message"] = message, ["detail"] = "" } }.ToJsonString();

    private async Task<string> GroupAsync(string name)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/security-groups", $$$"""{"security_group": {"name": "{{{name}}}", "description": "d"}}""");
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        return body!["security_group"]!["id"]!.GetValue<string>();
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> RuleAsync(string groupId, string fields) =>
        await SendAsync(HttpMethod.Post, "/security-group-rules", $$$"""{"security_group_rule": {"security_group_id": "{{{groupId}}}", {{{fields}}}}}""");

    [Fact]
    public async Task TheDefaultGroup_IsMadeOnFirstList_WithAllEgress_AndIngressFromItsMembers_AndCannotGo()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/security-groups?name=default");
        Assert.Equal(HttpStatusCode.OK, status);
        var group = body!["security_groups"]!.AsArray().Single()!;
        var id = group["id"]!.GetValue<string>();
        Assert.Equal(("default", "Default security group", true, Session.Member.ProjectId),
            (group["name"]!.GetValue<string>(), group["description"]!.GetValue<string>(), group["stateful"]!.GetValue<bool>(), group["project_id"]!.GetValue<string>()));
        var rules = group["security_group_rules"]!.AsArray()
            .Select(rule => $"{rule!["direction"]} {rule["ethertype"]} {rule["protocol"]?.ToString() ?? "any"} {rule["remote_group_id"]?.ToString() ?? "-"} {rule["remote_ip_prefix"]?.ToString() ?? "-"}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal([$"egress IPv4 any - -", $"egress IPv6 any - -", $"ingress IPv4 any {id} -", $"ingress IPv6 any {id} -"], rules);

        // A second list finds the same one: it is made once.
        (_, body) = await SendAsync(HttpMethod.Get, "/security-groups?name=default");
        Assert.Equal(id, body!["security_groups"]!.AsArray().Single()!["id"]!.GetValue<string>());

        (status, body) = await SendAsync(HttpMethod.Delete, $"/security-groups/{id}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(NeutronError("SecurityGroupCannotRemoveDefault", "Insufficient rights for removing default security group."), body!.ToJsonString());
        (status, body) = await SendAsync(HttpMethod.Put, $"/security-groups/{id}", """{"security_group": {"name": "renamed"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(NeutronError("SecurityGroupCannotUpdateDefault", "Updating default security group not allowed."), body!.ToJsonString());
        (status, body) = await SendAsync(HttpMethod.Post, "/security-groups", """{"security_group": {"name": "default"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(NeutronError("SecurityGroupDefaultAlreadyExists", "Default security group already exists."), body!.ToJsonString());
    }

    [Fact]
    public async Task AMembersGroup_TakesRules_ShowsThem_RenamesAndGoes()
    {
        var id = await GroupAsync("web");
        var (status, body) = await SendAsync(HttpMethod.Get, $"/security-groups/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        // A new group lets everything out, as Neutron's does.
        Assert.Equal(["egress IPv4", "egress IPv6"], body!["security_group"]!["security_group_rules"]!.AsArray()
            .Select(rule => $"{rule!["direction"]} {rule["ethertype"]}").Order(StringComparer.Ordinal));

        (status, body) = await RuleAsync(id, """ "direction": "ingress", "protocol": "TCP", "port_range_min": 22, "port_range_max": "22", "remote_ip_prefix": "10.1.2.3/8" """);
        Assert.Equal(HttpStatusCode.Created, status);
        var rule = body!["security_group_rule"]!;
        var ruleId = rule["id"]!.GetValue<string>();
        Assert.Equal(("ingress", "IPv4", "tcp", 22, 22, "10.1.2.3/8", "10.0.0.0/8", id), (rule["direction"]!.GetValue<string>(), rule["ethertype"]!.GetValue<string>(),
            rule["protocol"]!.GetValue<string>(), rule["port_range_min"]!.GetValue<int>(), rule["port_range_max"]!.GetValue<int>(),
            rule["remote_ip_prefix"]!.GetValue<string>(), rule["normalized_cidr"]!.GetValue<string>(), rule["security_group_id"]!.GetValue<string>()));

        (status, body) = await SendAsync(HttpMethod.Get, $"/security-group-rules?security_group_id={id}&protocol=tcp&fields=id");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal($$"""{"security_group_rules": [{"id": "{{ruleId}}"}]}""", body!.ToJsonString());

        // The same traffic again is Neutron's 409, whatever the description.
        (status, body) = await RuleAsync(id, """ "direction": "ingress", "protocol": "6", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "10.0.0.0/8", "description": "again" """);
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(NeutronError("SecurityGroupRuleExists", $"Security group rule already exists. Rule id is {ruleId}."), body!.ToJsonString());

        (status, body) = await SendAsync(HttpMethod.Put, $"/security-groups/{id}", """{"security_group": {"name": "web2", "description": "new"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("web2", "new"), (body!["security_group"]!["name"]!.GetValue<string>(), body["security_group"]!["description"]!.GetValue<string>()));

        (status, _) = await SendAsync(HttpMethod.Delete, $"/security-group-rules/{ruleId}");
        Assert.Equal(HttpStatusCode.NoContent, status);
        (status, body) = await SendAsync(HttpMethod.Get, $"/security-group-rules/{ruleId}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(NeutronError("SecurityGroupRuleNotFound", $"Security group rule {ruleId} does not exist"), body!.ToJsonString());
        (status, _) = await SendAsync(HttpMethod.Delete, $"/security-groups/{id}");
        Assert.Equal(HttpStatusCode.NoContent, status);
        (status, body) = await SendAsync(HttpMethod.Get, $"/security-groups/{id}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(NeutronError("SecurityGroupNotFound", $"Security group {id} does not exist"), body!.ToJsonString());
    }

    [Theory]
    [InlineData(""" "direction": "ingress", "protocol": "tcp", "port_range_min": 80, "port_range_max": 22 """, "SecurityGroupInvalidPortRange", "For TCP/UDP protocols, port_range_min must be <= port_range_max")]
    [InlineData(""" "direction": "ingress", "protocol": "tcp", "port_range_min": 70000, "port_range_max": 70000 """, "SecurityGroupInvalidPortValue", "Invalid value for port 70000")]
    [InlineData(""" "direction": "ingress", "protocol": "tcp", "port_range_min": "x" """, "SecurityGroupInvalidPortValue", "Invalid value for port x")]
    [InlineData(""" "direction": "ingress", "port_range_min": 22, "port_range_max": 22 """, "SecurityGroupProtocolRequiredWithPorts", "Must also specify protocol if port range is given.")]
    [InlineData(""" "direction": "ingress", "protocol": "gre", "port_range_min": 1, "port_range_max": 2 """, "SecurityGroupInvalidProtocolForPortRange", "Invalid protocol gre for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.")]
    [InlineData(""" "direction": "ingress", "protocol": "icmp", "port_range_min": 8, "port_range_max": 256 """, "SecurityGroupInvalidIcmpValue", "Invalid value for ICMP code (port_range_max) 256. It must be 0 to 255.")]
    [InlineData(""" "direction": "ingress", "protocol": "icmp", "port_range_max": 0 """, "SecurityGroupMissingIcmpType", "ICMP code (port-range-max) 0 is provided but ICMP type (port-range-min) is missing.")]
    [InlineData(""" "direction": "ingress", "remote_ip_prefix": "10.0.0.0/8", "remote_group_id": "00000000-0000-0000-0000-000000000000" """, "SecurityGroupRemoteGroupAndRemoteIpPrefix", "Only remote_ip_prefix or remote_group_id may be provided.")]
    [InlineData(""" "direction": "ingress", "remote_ip_prefix": "::/0" """, "SecurityGroupRuleParameterConflict", "Conflicting value ethertype IPv4 for CIDR ::/0")]
    [InlineData(""" "direction": "ingress", "remote_ip_prefix": "10.0.0.0/33" """, "InvalidCIDR", "Invalid CIDR 10.0.0.0/33 given as IP prefix.")]
    [InlineData(""" "direction": "sideways" """, "HTTPBadRequest", "Invalid input for direction. Reason: 'sideways' is not in ['ingress', 'egress'].")]
    public async Task ARuleThatCannotBe_IsNeutrons400(string fields, string type, string message)
    {
        var id = await GroupAsync("bad-rules");
        var (status, body) = await RuleAsync(id, fields);
        // Within the project's quota of 10 groups, whatever the order the cases run in.
        await SendAsync(HttpMethod.Delete, $"/security-groups/{id}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(NeutronError(type, message), body!.ToJsonString());
    }

    [Fact]
    public async Task AnotherProjectsGroup_IsNotFound_AndAnAdminSeesIt()
    {
        var id = await GroupAsync("mine");
        var (status, body) = await SendAsync(HttpMethod.Get, $"/security-groups/{id}", token: fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(NeutronError("SecurityGroupNotFound", $"Security group {id} does not exist"), body!.ToJsonString());
        (status, _) = await RuleAsync(id, """ "direction": "ingress" """);
        Assert.Equal(HttpStatusCode.Created, status);
        (status, body) = await SendAsync(HttpMethod.Post, "/security-group-rules",
            $$$"""{"security_group_rule": {"security_group_id": "{{{id}}}", "direction": "egress", "protocol": "udp", "port_range_min": 53, "port_range_max": 53}}""", fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        (status, body) = await SendAsync(HttpMethod.Get, "/security-groups", token: fixture.OutsiderToken);
        Assert.DoesNotContain(body!["security_groups"]!.AsArray(), group => group!["id"]!.GetValue<string>() == id);
        (status, body) = await SendAsync(HttpMethod.Get, "/security-group-rules", token: fixture.OutsiderToken);
        Assert.DoesNotContain(body!["security_group_rules"]!.AsArray(), rule => rule!["security_group_id"]!.GetValue<string>() == id);
        (status, _) = await SendAsync(HttpMethod.Delete, $"/security-groups/{id}", token: fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        (status, body) = await SendAsync(HttpMethod.Get, $"/security-groups/{id}", token: Session.AdminToken);
        Assert.Equal(HttpStatusCode.OK, status);
        // A reader of the project reads it, and changes nothing.
        (status, _) = await SendAsync(HttpMethod.Get, $"/security-groups/{id}", token: fixture.ReaderToken);
        Assert.Equal(HttpStatusCode.OK, status);
        (status, _) = await SendAsync(HttpMethod.Delete, $"/security-groups/{id}", token: fixture.ReaderToken);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        (status, _) = await SendAsync(HttpMethod.Delete, $"/security-groups/{id}");
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    [Fact]
    public async Task APort_IsInTheDefaultGroup_OrTheGroupsItNames_AndAGroupWithPortsCannotGo()
    {
        var (_, body) = await SendAsync(HttpMethod.Get, "/networks?name=private");
        var networkId = body!["networks"]![0]!["id"]!.GetValue<string>();
        (_, body) = await SendAsync(HttpMethod.Get, "/security-groups?name=default&fields=id");
        var defaultId = body!["security_groups"]![0]!["id"]!.GetValue<string>();

        var (status, port) = await SendAsync(HttpMethod.Post, "/ports", $$$"""{"port": {"network_id": "{{{networkId}}}"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal([defaultId], port!["port"]!["security_groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        var portId = port["port"]!["id"]!.GetValue<string>();

        var web = await GroupAsync("ported");
        (status, port) = await SendAsync(HttpMethod.Put, $"/ports/{portId}", $$$"""{"port": {"security_groups": ["{{{web}}}"]}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([web], port!["port"]!["security_groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        (status, body) = await SendAsync(HttpMethod.Delete, $"/security-groups/{web}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(NeutronError("SecurityGroupInUse", $"Security Group {web} in use."), body!.ToJsonString());

        var missing = Guid.NewGuid().ToString();
        (status, body) = await SendAsync(HttpMethod.Put, $"/ports/{portId}", $$$"""{"port": {"security_groups": ["{{{missing}}}"]}}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(NeutronError("SecurityGroupNotFound", $"Security group {missing} does not exist"), body!.ToJsonString());

        (status, _) = await SendAsync(HttpMethod.Delete, $"/ports/{portId}");
        Assert.Equal(HttpStatusCode.NoContent, status);
        (status, _) = await SendAsync(HttpMethod.Delete, $"/security-groups/{web}");
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    [Fact]
    public async Task AServersPort_IsInTheGroupsItsCreateNamed()
    {
        var web = await GroupAsync("for-server");
        var serverId = await fixture.ActiveServerAsync("sg-vm");
        var (_, body) = await SendAsync(HttpMethod.Get, $"/ports?device_id={serverId}");
        var (_, defaults) = await SendAsync(HttpMethod.Get, "/security-groups?name=default&fields=id");
        Assert.Equal([defaults!["security_groups"]![0]!["id"]!.GetValue<string>()], body!["ports"]![0]!["security_groups"]!.AsArray().Select(g => g!.GetValue<string>()));

        var named = await Session.CreateServerAsync("sg-named", extra: """, "security_groups": [{"name": "for-server"}]""");
        var server = await Session.WaitForStatusAsync(named, ["ACTIVE", "ERROR"]);
        Assert.Equal("ACTIVE", server.GetProperty("status").GetString());
        (_, body) = await SendAsync(HttpMethod.Get, $"/ports?device_id={named}");
        Assert.Equal([web], body!["ports"]![0]!["security_groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{named}");
        // Its port goes with it; then so may the group.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await SendAsync(HttpMethod.Get, $"/ports?device_id={named}")).Body!["ports"]!.AsArray().Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var (status, _) = await SendAsync(HttpMethod.Delete, $"/security-groups/{web}");
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    [Fact]
    public async Task NovasSide_AddsAndRemovesAServersGroup_ListsItsGroups_AndRefusesWhatCannotBe()
    {
        var (status, text, _) = await Session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "no-such-group", "imageRef": "{{{Session.ImageId}}}", "flavorRef": "42", "security_groups": [{"name": "nope"}]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal("""{"badRequest": {"code": 400, "message": "Unable to find security_group with name or id 'nope'"}}""", text);

        var web = await GroupAsync("nova-side");
        var serverId = await fixture.ActiveServerAsync("nova-sg");
        (status, text, _) = await Session.Send(HttpMethod.Post, $"/v2.1/servers/{serverId}/action", """{"addSecurityGroup": {"name": "nova-side"}}""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("", text);
        var (_, ports) = await SendAsync(HttpMethod.Get, $"/ports?device_id={serverId}");
        Assert.Contains(web, ports!["ports"]![0]!["security_groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        (status, text, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{serverId}");
        Assert.Equal(["default", "nova-side"], System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("server").GetProperty("security_groups")
            .EnumerateArray().Select(g => g.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        (status, text, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{serverId}/os-security-groups");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["default", "nova-side"], System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("security_groups")
            .EnumerateArray().Select(g => g.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));

        (status, text, _) = await Session.Send(HttpMethod.Post, $"/v2.1/servers/{serverId}/action", """{"removeSecurityGroup": {"name": "nova-side"}}""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        (status, text, _) = await Session.Send(HttpMethod.Post, $"/v2.1/servers/{serverId}/action", """{"removeSecurityGroup": {"name": "nova-side"}}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal($$$"""{"itemNotFound": {"code": 404, "message": "Security group nova-side not associated with the instance {{{serverId}}}"}}""", text);
        (status, text, _) = await Session.Send(HttpMethod.Post, $"/v2.1/servers/{serverId}/action", """{"addSecurityGroup": {"name": "nope"}}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal($$$"""{"itemNotFound": {"code": 404, "message": "Security group nope not found for project {{{Session.Member.ProjectId}}}."}}""", text);
        (status, text, _) = await Session.Send(HttpMethod.Post, $"/v2.1/servers/{serverId}/action", """{"addSecurityGroup": {"name": " "}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        (status, _, _) = await Session.Send(HttpMethod.Post, $"/v2.1/servers/{serverId}/action", """{"addSecurityGroup": {"name": "nova-side"}}""", fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);

        // The old proxy reads, in Nova's shape, until 2.36 takes them away.
        (status, text, _) = await Session.Send(HttpMethod.Get, $"/v2.1/os-security-groups/{web}", microversion: "2.35");
        Assert.Equal(HttpStatusCode.OK, status);
        var shown = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("security_group");
        Assert.Equal(("nova-side", Session.Member.ProjectId, 0), (shown.GetProperty("name").GetString(), shown.GetProperty("tenant_id").GetString(), shown.GetProperty("rules").GetArrayLength()));
        (status, _, _) = await Session.Send(HttpMethod.Get, "/v2.1/os-security-groups", microversion: "2.36");
        Assert.Equal(HttpStatusCode.NotFound, status);
        (status, _, _) = await Session.Send(HttpMethod.Get, $"/v2.1/os-security-groups/{web}", token: fixture.OutsiderToken, microversion: "2.35");
        Assert.Equal(HttpStatusCode.NotFound, status);
        await Session.Send(HttpMethod.Delete, $"/network/v2.0/security-groups/{web}");
    }
}
