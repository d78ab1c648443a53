using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Appliance.Hypervisor.Networking;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Networks;

/// <summary>An appliance on test:///default whose ping probe only records what it was asked, with a second member project.</summary>
public sealed class ProxyFixture : IAsyncLifetime
{
    public ConcurrentBag<string> Pinged { get; } = [];

    public ServerApiSession Session { get; }

    public string OutsiderToken { get; private set; } = null!;

    public ProxyFixture() => Session = new() { ConfigureServices = services => services.AddSingleton<IAddressProbe>(new RecordingProbe(Pinged)) };

    public async Task InitializeAsync()
    {
        await Session.InitializeAsync();
        var outsider = await IdentityClient.CreateMemberAsync(Session.Client, Session.AdminToken, "proxy-other", "proxy-other-user");
        OutsiderToken = await IdentityClient.LoginAsync(Session.Client, outsider.UserName, outsider.Password, "proxy-other");
    }

    public Task DisposeAsync() => Session.DisposeAsync();

    private sealed class RecordingProbe(ConcurrentBag<string> pinged) : IAddressProbe
    {
        public Task<IReadOnlySet<string>> AliveAsync(IReadOnlyCollection<string> addresses, CancellationToken cancellationToken = default)
        {
            foreach (var address in addresses)
            {
                pinged.Add(address);
            }

            return Task.FromResult<IReadOnlySet<string>>(addresses.ToHashSet());
        }
    }
}

/// <summary>
/// Nova's network proxies up to 2.35: /os-networks lists and shows the networks the caller sees by id and label, and
/// /os-fping says whether servers answer; both are gone (404) from 2.36. On test:/// no guest has a wire, so fping never
/// pings and every server is not alive.
/// </summary>
public sealed class ComputeNetworkProxiesTests(ProxyFixture fixture) : IClassFixture<ProxyFixture>
{
    private ServerApiSession Session => fixture.Session;

    private async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path, string? token = null, string? microversion = null)
    {
        var (status, body, _) = await Session.Send(HttpMethod.Get, path, token: token, microversion: microversion);
        return (status, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    private async Task<string> PrivateIdAsync()
    {
        var (_, body) = await GetAsync("/network/v2.0/networks?name=private");
        return body!["networks"]![0]!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task OsNetworks_ShowsTheNetworksTheCallerSees_ByIdAndLabel_AndIsGoneFrom236()
    {
        var privateId = await PrivateIdAsync();
        var (status, body) = await GetAsync("/v2.1/os-networks", microversion: "2.35");
        Assert.Equal(HttpStatusCode.OK, status);
        var member = $$$"""
            {"id": "{{{privateId}}}", "cidr": null, "netmask": null, "gateway": null, "broadcast": null, "dns1": null, "dns2": null,
             "cidr_v6": null, "gateway_v6": null, "label": "private", "netmask_v6": null}
            """;
        JsonAssert.Equal($$$"""{"networks": [{{{member}}}]}""", body!.ToJsonString());
        (status, body) = await GetAsync($"/v2/os-networks/{privateId}");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal($$$"""{"network": {{{member}}}}""", body!.ToJsonString());

        // Admins get nova-network's admin fields too, every one null.
        (_, body) = await GetAsync($"/v2.1/os-networks/{privateId}", Session.AdminToken);
        Assert.Equal(32, body!["network"]!.AsObject().Count);
        Assert.All(body["network"]!.AsObject().Where(pair => pair.Key is not ("id" or "label")), pair => Assert.Null(pair.Value));

        // The member's own network is not the outsider's.
        var (created, createdBody, _) = await Session.Send(HttpMethod.Post, "/network/v2.0/networks", """{"network": {"name": "mine"}}""");
        Assert.Equal(HttpStatusCode.Created, created);
        var mine = JsonNode.Parse(createdBody)!["network"]!["id"]!.GetValue<string>();
        (_, body) = await GetAsync("/v2.1/os-networks");
        Assert.Equal(["private", "mine"], body!["networks"]!.AsArray().Select(n => n!["label"]!.GetValue<string>()));
        (status, body) = await GetAsync($"/v2.1/os-networks/{mine}", fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "Network not found"}}""", body!.ToJsonString());
        await Session.Send(HttpMethod.Delete, $"/network/v2.0/networks/{mine}");

        (status, body) = await GetAsync("/v2.1/os-networks", microversion: "2.36");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "The resource could not be found."}}""", body!.ToJsonString());
    }

    [Fact]
    public async Task OsFping_OnTheTestDriver_SaysNotAlive_WithoutSendingAPing_AndKeepsToTheCallersServers()
    {
        var first = await Session.CreateServerAsync("fping-a");
        var second = await Session.CreateServerAsync("fping-b");
        var outsiders = await Session.CreateServerAsync("fping-c", token: fixture.OutsiderToken);
        foreach (var (id, token) in new[] { (first, (string?)null), (second, null), (outsiders, fixture.OutsiderToken) })
        {
            Assert.Equal("ACTIVE", (await Session.WaitForStatusAsync(id, ["ACTIVE", "ERROR"], token: token)).GetProperty("status").GetString());
        }

        var project = Session.Member.ProjectId;
        var (status, body) = await GetAsync("/v2.1/os-fping");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            new[] { first, second }.Select(id => $$$"""{"id":"{{{id}}}","project_id":"{{{project}}}","alive":false}""").Order(),
            body!["servers"]!.AsArray().Select(s => s!.ToJsonString()).Order());
        (_, body) = await GetAsync($"/v2.1/os-fping?include={second}");
        Assert.Equal([second], body!["servers"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        (_, body) = await GetAsync($"/v2.1/os-fping?exclude={second},{outsiders}");
        Assert.Equal([first], body!["servers"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        (status, body) = await GetAsync($"/v2/os-fping/{first}");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal($$$"""{"server": {"id": "{{{first}}}", "project_id": "{{{project}}}", "alive": false}}""", body!.ToJsonString());

        // Another project's server is not found; all_tenants is the admin's.
        (status, body) = await GetAsync($"/v2.1/os-fping/{outsiders}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal($$$"""{"itemNotFound": {"code": 404, "message": "Instance {{{outsiders}}} could not be found."}}""", body!.ToJsonString());
        (status, body) = await GetAsync("/v2.1/os-fping?all_tenants=1");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:os-fping:all_tenants to be performed."}}""", body!.ToJsonString());
        (_, body) = await GetAsync("/v2.1/os-fping?all_tenants=1", Session.AdminToken);
        Assert.Subset(body!["servers"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToHashSet(), new HashSet<string> { first, second, outsiders });

        (status, _) = await GetAsync("/v2.1/os-fping", microversion: "2.36");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Empty(fixture.Pinged);

        foreach (var (id, token) in new[] { (first, (string?)null), (second, null), (outsiders, fixture.OutsiderToken) })
        {
            await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}", token: token);
        }

        await Session.Runner.WhenIdleAsync();
    }
}
