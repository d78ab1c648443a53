using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Appliance.Core.Networks;
using Appliance.Tests.Servers;

namespace Appliance.Tests.Networks;

/// <summary>
/// The Network API calls Terraform's OpenStack provider makes through gophercloud, replayed as it sends them (GET with
/// Accept: application/json and its User-Agent, filters in the query): the network data source's lookup by name, which
/// needs exactly one match, and the reads by id on refresh. Each answer is checked field by field against the types
/// Neutron's api-ref gives and gophercloud's structs decode (a time that is not RFC 3339 fails its decode).
/// </summary>
public sealed partial class TerraformCallsTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    private enum Kind { Text, NullableText, Flag, Number, TextList, ObjectList, Rfc3339 }

    /// <summary>Network attributes gophercloud's networks.Network and Terraform's data source read, with their api-ref types.</summary>
    private static readonly Dictionary<string, Kind> NetworkFields = new()
    {
        ["id"] = Kind.Text,
        ["name"] = Kind.Text,
        ["description"] = Kind.Text,
        ["admin_state_up"] = Kind.Flag,
        ["status"] = Kind.Text,
        ["ipv4_address_scope"] = Kind.NullableText,
        ["subnets"] = Kind.TextList,
        ["tenant_id"] = Kind.Text,
        ["project_id"] = Kind.Text,
        ["shared"] = Kind.Flag,
        ["availability_zone_hints"] = Kind.TextList,
        ["tags"] = Kind.TextList,
        ["revision_number"] = Kind.Number,
        ["created_at"] = Kind.Rfc3339,
        ["updated_at"] = Kind.Rfc3339,
        ["router:external"] = Kind.Flag,
        ["mtu"] = Kind.Number,
        ["port_security_enabled"] = Kind.Flag,
    };

    /// <summary>Port attributes of gophercloud's ports.Port, with their api-ref types.</summary>
    private static readonly Dictionary<string, Kind> PortFields = new()
    {
        ["id"] = Kind.Text,
        ["network_id"] = Kind.Text,
        ["name"] = Kind.Text,
        ["description"] = Kind.Text,
        ["admin_state_up"] = Kind.Flag,
        ["status"] = Kind.Text,
        ["mac_address"] = Kind.Text,
        ["fixed_ips"] = Kind.ObjectList,
        ["tenant_id"] = Kind.Text,
        ["project_id"] = Kind.Text,
        ["device_owner"] = Kind.Text,
        ["security_groups"] = Kind.TextList,
        ["device_id"] = Kind.Text,
        ["allowed_address_pairs"] = Kind.ObjectList,
        ["tags"] = Kind.TextList,
        ["revision_number"] = Kind.Number,
        ["created_at"] = Kind.Rfc3339,
        ["updated_at"] = Kind.Rfc3339,
        ["port_security_enabled"] = Kind.Flag,
        ["extra_dhcp_opts"] = Kind.ObjectList,
        ["binding:vnic_type"] = Kind.Text,
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    [GeneratedRegex("^([0-9a-f]{2}:){5}[0-9a-f]{2}$")]
    private static partial Regex Mac();

    private ServerApiSession Session => fixture.Session;

    /// <summary>A GET as gophercloud sends it: the token, JSON accepted, its own User-Agent, no body.</summary>
    private async Task<JsonObject> GophercloudGetAsync(string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/network/v2.0/" + pathAndQuery);
        request.Headers.Add("X-Auth-Token", Session.MemberToken);
        request.Headers.Add("Accept", "application/json");
        request.Headers.Add("User-Agent", "gophercloud/v2.1.1 terraform-provider-openstack/3.0.0");
        using var response = await Session.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static void AssertFields(JsonObject item, Dictionary<string, Kind> fields)
    {
        foreach (var (name, kind) in fields)
        {
            Assert.True(item.TryGetPropertyValue(name, out var value), $"{name} missing from {item.ToJsonString()}");
            var valid = kind switch
            {
                Kind.Text => value is JsonValue text && text.GetValueKind() == JsonValueKind.String,
                Kind.NullableText => value is null || value.GetValueKind() == JsonValueKind.String,
                Kind.Flag => value is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
                Kind.Number => value is JsonValue number && number.GetValueKind() == JsonValueKind.Number && number.TryGetValue<long>(out _),
                Kind.TextList => value is JsonArray list && list.All(entry => entry?.GetValueKind() == JsonValueKind.String),
                Kind.ObjectList => value is JsonArray objects && objects.All(entry => entry is JsonObject),
                Kind.Rfc3339 => value is JsonValue time && time.GetValueKind() == JsonValueKind.String && Rfc3339().IsMatch(time.GetValue<string>()),
                _ => false,
            };
            Assert.True(valid, $"{name} is not {kind}: {value?.ToJsonString() ?? "null"}");
        }
    }

    [Fact]
    public async Task NetworkByNameAndStatus_PortById_NetworkById_AnswerAsGophercloudDecodesThem()
    {
        var (status, body, _) = await Session.Send(HttpMethod.Post, "/network/v2.0/networks", """{"network": {"name": "tf-net"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var networkId = JsonNode.Parse(body)!["network"]!["id"]!.GetValue<string>();
        var cidr = new[] { "198.18.40.0/24", "198.19.40.0/24", "203.0.113.0/24" }.First(c => !HostRoutes.Read().Any(route => route.Overlaps(Ipv4Cidr.Parse(c))));
        (status, body, _) = await Session.Send(HttpMethod.Post, "/network/v2.0/subnets", $$$"""{"subnet": {"network_id": "{{{networkId}}}", "cidr": "{{{cidr}}}"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var subnetId = JsonNode.Parse(body)!["subnet"]!["id"]!.GetValue<string>();
        (status, body, _) = await Session.Send(HttpMethod.Post, "/network/v2.0/ports", $$$"""{"port": {"network_id": "{{{networkId}}}", "name": "tf-port"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var portId = JsonNode.Parse(body)!["port"]!["id"]!.GetValue<string>();
        var project = Session.Member.ProjectId;

        // data "openstack_networking_network_v2" { name = "tf-net" }: exactly one match, or Terraform stops.
        var byName = await GophercloudGetAsync("networks?status=ACTIVE&name=tf-net");
        var network = Assert.Single(byName["networks"]!.AsArray())!.AsObject();
        AssertFields(network, NetworkFields);
        Assert.Equal((networkId, "tf-net", "ACTIVE", true, false, false, project, project),
            (network["id"]!.GetValue<string>(), network["name"]!.GetValue<string>(), network["status"]!.GetValue<string>(), network["admin_state_up"]!.GetValue<bool>(),
             network["shared"]!.GetValue<bool>(), network["router:external"]!.GetValue<bool>(), network["project_id"]!.GetValue<string>(), network["tenant_id"]!.GetValue<string>()));
        Assert.Equal([subnetId], network["subnets"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Empty((await GophercloudGetAsync("networks?status=ACTIVE&name=no-such-net"))["networks"]!.AsArray());
        Assert.Empty((await GophercloudGetAsync("networks?status=DOWN&name=tf-net"))["networks"]!.AsArray());

        // On refresh: the port and the network by id.
        var port = Assert.Single((await GophercloudGetAsync($"ports?id={portId}"))["ports"]!.AsArray())!.AsObject();
        AssertFields(port, PortFields);
        Assert.Equal((portId, networkId, "tf-port", "", "", "DOWN", project), (port["id"]!.GetValue<string>(), port["network_id"]!.GetValue<string>(),
            port["name"]!.GetValue<string>(), port["device_id"]!.GetValue<string>(), port["device_owner"]!.GetValue<string>(), port["status"]!.GetValue<string>(),
            port["project_id"]!.GetValue<string>()));
        Assert.Matches(Mac(), port["mac_address"]!.GetValue<string>());
        var fixedIp = Assert.Single(port["fixed_ips"]!.AsArray())!.AsObject();
        Assert.Equal(subnetId, fixedIp["subnet_id"]!.GetValue<string>());
        Assert.True(Ipv4Cidr.TryParseAddress(fixedIp["ip_address"]!.GetValue<string>(), out var address) && Ipv4Cidr.Parse(cidr).HoldsHost(address));
        var byId = Assert.Single((await GophercloudGetAsync($"networks?id={networkId}"))["networks"]!.AsArray())!.AsObject();
        AssertFields(byId, NetworkFields);
        Assert.Equal(network.ToJsonString(), byId.ToJsonString());
        Assert.Empty((await GophercloudGetAsync($"ports?id={Guid.NewGuid()}"))["ports"]!.AsArray());

        await Session.Send(HttpMethod.Delete, $"/network/v2.0/ports/{portId}");
        await Session.Send(HttpMethod.Delete, $"/network/v2.0/subnets/{subnetId}");
        await Session.Send(HttpMethod.Delete, $"/network/v2.0/networks/{networkId}");
    }
}
