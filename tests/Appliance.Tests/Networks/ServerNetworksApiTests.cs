using System.Net;
using System.Text.Json;
using Appliance.Core.Networks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Networks;

/// <summary>
/// The networks a create asks for, on the test driver (real libvirt code, networks in memory): auto, none, a network with
/// or without a fixed address, a port; the addresses they give, and Nova's faults for what can't be had.
/// </summary>
public sealed class ServerNetworksApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    private ServerApiSession Session => fixture.Session;

    private NetworkRepository Networks => Session.Factory.Services.GetRequiredService<NetworkRepository>();

    private async Task<NetworkRecord> PrivateAsync() => (await Networks.NetworksAsync()).Single(n => n.Name == "private");

    private async Task<SubnetRecord> PrivateSubnetAsync() => (await Networks.SubnetsAsync((await PrivateAsync()).Id)).Single();

    private async Task<(HttpStatusCode Status, string Body)> CreateAsync(string networks, string microversion = "2.37", string extra = "")
    {
        var (status, body, _) = await Session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "net", "imageRef": "{{{Session.ImageId}}}", "flavorRef": "42", "networks": {{{networks}}}{{{extra}}}}}""",
            Session.MemberToken, microversion);
        return (status, body);
    }

    private static string Fault(string message) => SubresourceFixture.Fault("badRequest", 400, message);

    private async Task<JsonElement> ActiveAsync(string body)
    {
        var id = JsonDocument.Parse(body).RootElement.GetProperty("server").GetProperty("id").GetString()!;
        var server = await Session.WaitForStatusAsync(id, ["ACTIVE", "ERROR"]);
        Assert.True(server.GetProperty("status").GetString() == "ACTIVE", server.ToString());
        return server;
    }

    private async Task DeleteAsync(JsonElement server)
    {
        var id = server.GetProperty("id").GetString()!;
        await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}", token: Session.AdminToken);
        await Session.Runner.WhenIdleAsync();
    }

    [Fact]
    public async Task AFixedAddress_IsTheServersAddress_WithNovasFields_AndIsFreeAgainAfterTheDelete()
    {
        var network = await PrivateAsync();
        var subnet = await PrivateSubnetAsync();
        var wanted = Ipv4Cidr.Format(subnet.Range.FirstHost + 77);

        var (status, body) = await CreateAsync($$$"""[{"uuid": "{{{network.Id}}}", "fixed_ip": "{{{wanted}}}"}]""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var server = await ActiveAsync(body);
        var address = Assert.Single(server.GetProperty("addresses").GetProperty("private").EnumerateArray());
        Assert.Equal(wanted, address.GetProperty("addr").GetString());
        Assert.Equal(4, address.GetProperty("version").GetInt32());
        Assert.Equal("fixed", address.GetProperty("OS-EXT-IPS:type").GetString());
        Assert.Matches("^fa:16:3e(:[0-9a-f]{2}){3}$", address.GetProperty("OS-EXT-IPS-MAC:mac_addr").GetString());

        // The ip filter matches the fixed address, as a regular expression.
        var (_, list, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers?ip={Uri.EscapeDataString("^" + wanted.Replace(".", "\\.") + "$")}", token: Session.MemberToken);
        Assert.Equal(server.GetProperty("id").GetString(), JsonDocument.Parse(list).RootElement.GetProperty("servers").EnumerateArray().Single().GetProperty("id").GetString());

        // Taken: Nova answers 400 before it accepts the create.
        (status, body) = await CreateAsync($$$"""[{"uuid": "{{{network.Id}}}", "fixed_ip": "{{{wanted}}}"}]""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(Fault($"Fixed IP address {wanted} is already in use."), body);

        await DeleteAsync(server);
        Assert.False(await Networks.AddressInUseAsync(wanted));
        (status, body) = await CreateAsync($$$"""[{"uuid": "{{{network.Id}}}", "fixed_ip": "{{{wanted}}}"}]""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        await DeleteAsync(await ActiveAsync(body));
    }

    [Fact]
    public async Task Auto_None_AndNoNetworksBelow237()
    {
        var (status, body) = await CreateAsync("\"auto\"");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var auto = await ActiveAsync(body);
        Assert.Single(auto.GetProperty("addresses").GetProperty("private").EnumerateArray());
        await DeleteAsync(auto);

        (status, body) = await CreateAsync("\"none\"");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var none = await ActiveAsync(body);
        JsonAssert.Equal("{}", none.GetProperty("addresses").GetRawText());
        await DeleteAsync(none);

        // Below 2.37 no networks means auto.
        var (created, legacy, _) = await Session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "legacy", "imageRef": "{{{Session.ImageId}}}", "flavorRef": "42"}}""", Session.MemberToken);
        Assert.Equal(HttpStatusCode.Accepted, created);
        var old = await ActiveAsync(legacy);
        Assert.Single(old.GetProperty("addresses").GetProperty("private").EnumerateArray());
        await DeleteAsync(old);
    }

    [Fact]
    public async Task WhatCantBeHad_GetsNovasFaults()
    {
        var network = await PrivateAsync();
        var subnet = await PrivateSubnetAsync();
        var unknown = Guid.NewGuid().ToString();

        var (status, body) = await CreateAsync($$$"""[{"uuid": "{{{unknown}}}"}]""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(Fault($"Network {unknown} could not be found."), body);

        (status, body) = await CreateAsync($$$"""[{"port": "{{{unknown}}}"}]""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(Fault($"Port id {unknown} could not be found."), body);

        (status, body) = await CreateAsync($$$"""[{"uuid": "{{{network.Id}}}", "fixed_ip": "192.0.2.9"}]""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(Fault($"Fixed IP address 192.0.2.9 is not valid on network {network.Id}."), body);

        // Inside the range, but no host may hold the network's own address or its broadcast: refused now, not at the build.
        foreach (var edge in new[] { Ipv4Cidr.Format(subnet.Range.Network), Ipv4Cidr.Format(subnet.Range.Broadcast) })
        {
            (status, body) = await CreateAsync($$$"""[{"uuid": "{{{network.Id}}}", "fixed_ip": "{{{edge}}}"}]""");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            JsonAssert.Equal(Fault($"Fixed IP address {edge} is not valid on network {network.Id}."), body);
        }

        var gateway = subnet.GatewayIp!;
        (status, body) = await CreateAsync($$$"""[{"uuid": "{{{network.Id}}}", "fixed_ip": "{{{gateway}}}"}]""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(Fault($"Fixed IP address {gateway} is already in use."), body);

        var spare = Ipv4Cidr.Format(subnet.Range.FirstHost + 90);
        (status, body) = await CreateAsync($$$"""[{"uuid": "{{{network.Id}}}", "fixed_ip": "{{{spare}}}"}]""", extra: ", \"max_count\": 2");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(Fault("Failed to launch instances: max_count cannot be greater than 1 if an fixed_ip is specified."), body);
    }

    [Fact]
    public async Task AnotherProjectsNetwork_IsNotFound_ForAMember()
    {
        var now = "2026-12-07T00:00:00.000000Z";
        var id = Guid.NewGuid().ToString();
        var names = Session.Factory.Services.GetRequiredService<NetworkNames>();
        await Networks.CreateNetworkAsync(
            new NetworkRecord { Id = id, Name = "theirs", ProjectId = "another-project", Kind = NetworkKinds.Isolated, LibvirtName = names.LibvirtName(id), Bridge = names.Bridge(id), CreatedAt = now, UpdatedAt = now },
            new SubnetRecord { Id = Guid.NewGuid().ToString(), NetworkId = id, ProjectId = "another-project", Cidr = "172.31.250.0/24", GatewayIp = "172.31.250.1", CreatedAt = now, UpdatedAt = now });

        var (status, body) = await CreateAsync($$$"""[{"uuid": "{{{id}}}"}]""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(Fault($"Network {id} could not be found."), body);
    }
}
