using System.Net;
using System.Text;
using System.Text.Json;
using Appliance.Hypervisor.Disks;
using Appliance.Tests.EndToEnd;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;
using Xunit.Abstractions;

namespace Appliance.Tests.Networking;

/// <summary>
/// A provider network end to end, inside a namespace of the test's own: a bridge standing in for the LAN, a peer namespace on
/// it, `appliance network create-provider` with a pool, and a test guest that takes its pool address from network_data.json
/// and answers the peer.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class ProviderNetworkEndToEndTests(NetworkNamespaceFixture shared, ITestOutputHelper output) : IClassFixture<NetworkNamespaceFixture>
{
    [SkippableFact]
    public async Task AGuestOnTheLanBridge_TakesItsPoolAddressFromNetworkData_AndAPeerOnTheLanReachesIt()
    {
        var ns = shared.Require();
        OpenStackCli.AssertInstalled();
        var (guest, why) = await TestGuest.BuildWithDiskAsync();
        Skip.If(guest is null, why);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var bridge = $"lan{tag}";
        var work = HypervisorPaths.EnsureDirectory(Path.Combine(ns.Root, $"provider-{tag}"));
        var dataDir = HypervisorPaths.EnsureDirectory(Path.Combine(work, "data"));
        await ns.OkAsync("ip", "link", "add", bridge, "type", "bridge");
        await ns.OkAsync("ip", "link", "set", bridge, "up");
        var peer = await ns.AddPeerNamespaceAsync(bridge, "192.168.77.9/24");

        await using var appliance = await ns.ServeApplianceAsync(dataDir);
        var (exit, stdout, stderr) = await ns.Launcher().RunAsync("network", "create-provider", "lan", "--bridge", bridge, "--cidr", "192.168.77.0/24",
            "--pool", "192.168.77.200-192.168.77.210", "--gateway", "192.168.77.1", "--data-dir", dataDir);
        Assert.True(exit == 0, stderr);
        var networkId = stdout.Split('(', ')')[1];
        output.WriteLine(stdout.Trim());

        var openRc = IdentityClient.ReadOpenRc(dataDir);
        var cli = new OpenStackCli(openRc) { Through = ns.Enter };
        var imageId = (await cli.JsonAsync("image", "create", "--file", guest!.Disk, "--disk-format", "qcow2", "--container-format", "bare", "lan-guest"))
            .GetProperty("id").GetString()!;
        var flavorId = (await cli.JsonAsync("flavor", "show", "m1.nano")).GetProperty("id").GetString()!;

        using var client = appliance.CreateClient();
        var token = await IdentityClient.LoginAsync(client, openRc["OS_USERNAME"], openRc["OS_PASSWORD"], openRc["OS_PROJECT_NAME"]);
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v2.1/servers")
        {
            Content = new StringContent($$$"""{"server": {"name": "lan-vm", "imageRef": "{{{imageId}}}", "flavorRef": "{{{flavorId}}}", "networks": [{"uuid": "{{{networkId}}}"}]}}""",
                Encoding.UTF8, "application/json"),
        };
        create.Headers.Add("X-Auth-Token", token);
        create.Headers.Add("OpenStack-API-Version", "compute 2.37");
        using var created = await client.SendAsync(create);
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("server").GetProperty("id").GetString()!;

        using var probe = await ComputeProbe.ConnectAsync(appliance.CreateClient(), openRc);
        var server = await probe.WaitForStatusAsync(id, "ACTIVE");
        var address = server.GetProperty("addresses").GetProperty("lan").EnumerateArray().Single().GetProperty("addr").GetString();
        Assert.Equal("192.168.77.200", address);

        var console = await probe.WaitForConsoleAsync(id, text => text.Contains(TestGuest.ReadyMarker, StringComparison.Ordinal), "the guest ready");
        output.WriteLine(console);
        Assert.Contains("guest: ip eth0 192.168.77.200/24", console);
        // The project's default group lets in only its own members: a peer on the LAN needs a rule, as a user adds it.
        await cli.OkAsync("security", "group", "rule", "create", "default", "--protocol", "icmp");
        await peer.OkAsync("/bin/busybox", "ping", "-c", "1", "-W", "10", "192.168.77.200");

        await cli.OkAsync("server", "delete", "--wait", id);
        (exit, stdout, _) = await ns.Launcher().RunAsync("network", "list", "--data-dir", dataDir);
        Assert.Equal(0, exit);
        Assert.Contains("lan", stdout);
        Assert.Contains("0/11", stdout);
    }
}
