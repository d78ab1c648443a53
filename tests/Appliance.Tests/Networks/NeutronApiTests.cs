using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Networks;

/// <summary>
/// The Network API's read slice on the test driver: discovery, networks, subnets and ports with Neutron's fields, filters,
/// fields= and paging, Neutron's policy (own and shared for a member, all for an admin) and its error bodies.
/// </summary>
public sealed class NeutronApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    private ServerApiSession Session => fixture.Session;

    private NetworkRepository Networks => Session.Factory.Services.GetRequiredService<NetworkRepository>();

    private async Task<NetworkRecord> PrivateAsync() => (await Networks.NetworksAsync()).Single(n => n.Name == "private");

    private async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(string path, string? token = null)
    {
        var (status, body, _) = await Session.Send(HttpMethod.Get, path, token: token);
        return (status, JsonNode.Parse(body)!);
    }

    private static string NeutronError(string type, string message) =>
        new JsonObject { ["NeutronError"] = new JsonObject { ["type"] = type, ["message"] = message, ["detail"] = "" } }.ToJsonString();

    /// <summary>Another project's network, made in the store as an admin would make it.</summary>
    private async Task<string> TheirNetworkAsync()
    {
        var now = "2026-12-07T00:00:00.000000Z";
        var id = Guid.NewGuid().ToString();
        var names = Session.Factory.Services.GetRequiredService<NetworkNames>();
        var third = (byte)Random.Shared.Next(1, 250);
        await Networks.CreateNetworkAsync(
            new NetworkRecord { Id = id, Name = $"theirs-{id[..8]}", ProjectId = "another-project", Kind = NetworkKinds.Isolated, LibvirtName = names.LibvirtName(id), Bridge = names.Bridge(id), CreatedAt = now, UpdatedAt = now },
            new SubnetRecord { Id = Guid.NewGuid().ToString(), NetworkId = id, ProjectId = "another-project", Cidr = $"172.30.{third}.0/24", GatewayIp = $"172.30.{third}.1", CreatedAt = now, UpdatedAt = now });
        return id;
    }

    [Fact]
    public async Task TheRoot_ListsV2_ToAnyone_AndTheCatalogNamesTheNetworkService()
    {
        var response = await Session.Client.GetAsync("/network");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonAssert.Equal("""{"versions": [{"id": "v2.0", "status": "CURRENT", "links": [{"href": "http://localhost/network/v2.0/", "rel": "self"}]}]}""",
            await response.Content.ReadAsStringAsync());

        var (status, body) = await GetAsync("/network/v2.0");
        Assert.Equal(HttpStatusCode.OK, status);
        var collections = body["resources"]!.AsArray().Select(r => r!["collection"]!.GetValue<string>()).ToList();
        Assert.Equal(["networks", "subnets", "ports"], collections.Take(3));
        Assert.Contains("security-groups", collections);
        Assert.Contains("security-group-rules", collections);

        (status, body) = await GetAsync("/identity/v3/auth/catalog");
        Assert.Equal(HttpStatusCode.OK, status);
        var network = body["catalog"]!.AsArray().Single(s => s!["type"]!.GetValue<string>() == "network")!;
        Assert.Equal("neutron", network["name"]!.GetValue<string>());
        Assert.All(network["endpoints"]!.AsArray(), e => Assert.Equal("http://localhost/network", e!["url"]!.GetValue<string>()));
    }

    [Fact]
    public async Task WithoutAToken_ItIs401_InNeutronsBody()
    {
        var response = await Session.Client.GetAsync("/network/v2.0/networks");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        JsonAssert.Equal(NeutronError("HTTPUnauthorized", "The request you have made requires authentication."), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Private_IsSharedWithAMember_WithNeutronsFields_AndItsSubnet()
    {
        var network = await PrivateAsync();
        var subnet = (await Networks.SubnetsAsync(network.Id)).Single();

        var (status, body) = await GetAsync($"/network/v2.0/networks/{network.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        var shown = body["network"]!;
        Assert.Equal("private", shown["name"]!.GetValue<string>());
        Assert.Equal("ACTIVE", shown["status"]!.GetValue<string>());
        Assert.True(shown["shared"]!.GetValue<bool>());
        Assert.False(shown["router:external"]!.GetValue<bool>());
        Assert.Equal([subnet.Id], shown["subnets"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(network.ProjectId, shown["tenant_id"]!.GetValue<string>());
        Assert.Equal(network.Mtu, shown["mtu"]!.GetValue<int>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", shown["created_at"]!.GetValue<string>());
        Assert.False(shown.AsObject().ContainsKey("provider:network_type")); // admins only

        (status, body) = await GetAsync($"/network/v2.0/networks/{network.Id}", Session.AdminToken);
        Assert.Equal("local", body["network"]!["provider:network_type"]!.GetValue<string>());

        (status, body) = await GetAsync($"/network/v2.0/subnets/{subnet.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        var pool = subnet.AllocationPools.Single();
        JsonAssert.Equal($$"""{"start": "{{pool.Start}}", "end": "{{pool.End}}"}""", body["subnet"]!["allocation_pools"]![0]!.ToJsonString());
        Assert.Equal(subnet.Cidr, body["subnet"]!["cidr"]!.GetValue<string>());
        Assert.Equal(subnet.GatewayIp, body["subnet"]!["gateway_ip"]!.GetValue<string>());
        Assert.Equal(network.Id, body["subnet"]!["network_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnotherProjectsNetwork_IsNotFoundForAMember_AndSeenByTheAdmin()
    {
        var theirs = await TheirNetworkAsync();

        var (status, body) = await GetAsync($"/network/v2.0/networks/{theirs}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(NeutronError("NetworkNotFound", $"Network {theirs} could not be found."), body.ToJsonString());
        (status, body) = await GetAsync("/network/v2.0/networks");
        Assert.DoesNotContain(theirs, body["networks"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()));
        (status, body) = await GetAsync($"/network/v2.0/subnets?network_id={theirs}");
        Assert.Empty(body["subnets"]!.AsArray());

        (status, body) = await GetAsync($"/network/v2.0/networks?id={theirs}", Session.AdminToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("another-project", body["networks"]!.AsArray().Single()!["project_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Filters_Fields_Sorting_AndPaging_AreNeutrons()
    {
        await TheirNetworkAsync();
        await TheirNetworkAsync();

        var (status, body) = await GetAsync("/network/v2.0/networks?name=private&fields=id&fields=name", Session.AdminToken);
        Assert.Equal(HttpStatusCode.OK, status);
        var only = body["networks"]!.AsArray().Single()!.AsObject();
        Assert.Equal(["id", "name"], only.Select(p => p.Key).Order());

        (status, body) = await GetAsync("/network/v2.0/networks?shared=false&status=ACTIVE", Session.AdminToken);
        Assert.All(body["networks"]!.AsArray(), n => Assert.False(n!["shared"]!.GetValue<bool>()));
        Assert.True(body["networks"]!.AsArray().Count >= 2);

        (status, body) = await GetAsync("/network/v2.0/networks?colour=blue");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(NeutronError("HTTPBadRequest", "[colour] is invalid attribute for filtering"), body.ToJsonString());

        (status, body) = await GetAsync("/network/v2.0/networks?sort_key=name&sort_dir=desc", Session.AdminToken);
        var names = body["networks"]!.AsArray().Select(n => n!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(names.OrderDescending(StringComparer.Ordinal), names);

        // Two at a time, following the next links, gives every network once.
        var seen = new List<string>();
        var next = "/network/v2.0/networks?limit=2&sort_key=id";
        while (next is not null)
        {
            (status, body) = await GetAsync(next, Session.AdminToken);
            Assert.Equal(HttpStatusCode.OK, status);
            seen.AddRange(body["networks"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()));
            next = body["networks_links"]?.AsArray().Single(l => l!["rel"]!.GetValue<string>() == "next")!["href"]!.GetValue<string>().Replace("http://localhost", "");
        }

        var all = (await Networks.NetworksAsync()).Select(n => n.Id).Order(StringComparer.Ordinal);
        Assert.Equal(all, seen);
    }

    [Fact]
    public async Task AServersPort_IsFoundByDeviceId_AndByItsAddress_ButNotByAnotherProject()
    {
        var id = await fixture.ActiveServerAsync("neutron-port");
        var (_, serverBody, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        var address = JsonDocument.Parse(serverBody).RootElement.GetProperty("server").GetProperty("addresses").GetProperty("private")[0];
        var ip = address.GetProperty("addr").GetString()!;

        var (status, body) = await GetAsync($"/network/v2.0/ports?device_id={id}");
        Assert.Equal(HttpStatusCode.OK, status);
        var port = body["ports"]!.AsArray().Single()!;
        Assert.Equal("compute:nova", port["device_owner"]!.GetValue<string>());
        Assert.Equal("ACTIVE", port["status"]!.GetValue<string>());
        Assert.Equal(address.GetProperty("OS-EXT-IPS-MAC:mac_addr").GetString(), port["mac_address"]!.GetValue<string>());
        Assert.Equal(ip, port["fixed_ips"]![0]!["ip_address"]!.GetValue<string>());
        Assert.Equal((await PrivateAsync()).Id, port["network_id"]!.GetValue<string>());
        Assert.False(port.AsObject().ContainsKey("binding:host_id")); // admins only

        (status, body) = await GetAsync($"/network/v2.0/ports?fixed_ips=ip_address%3D{ip}");
        Assert.Equal(port["id"]!.GetValue<string>(), body["ports"]!.AsArray().Single()!["id"]!.GetValue<string>());

        var portId = port["id"]!.GetValue<string>();
        (status, body) = await GetAsync($"/network/v2.0/ports/{portId}", fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(NeutronError("PortNotFound", $"Port {portId} could not be found."), body.ToJsonString());
        (status, body) = await GetAsync($"/network/v2.0/ports?device_id={id}", fixture.OutsiderToken);
        Assert.Empty(body["ports"]!.AsArray());

        (status, body) = await GetAsync($"/network/v2.0/ports/{portId}", Session.AdminToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(string.IsNullOrEmpty(body["port"]!["binding:host_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task UnknownThings_GetNeutronsNotFound()
    {
        var unknown = Guid.NewGuid().ToString();
        var (status, body) = await GetAsync($"/network/v2.0/subnets/{unknown}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(NeutronError("SubnetNotFound", $"Subnet {unknown} could not be found."), body.ToJsonString());

        (status, body) = await GetAsync("/network/v2.0/extensions/no-such");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(NeutronError("HTTPNotFound", "Extension with alias no-such does not exist"), body.ToJsonString());

        (status, body) = await GetAsync("/network/v2.0/extensions/external-net");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("external-net", body["extension"]!["alias"]!.GetValue<string>());
    }
}
