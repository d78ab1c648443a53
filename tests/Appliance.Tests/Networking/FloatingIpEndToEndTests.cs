using System.Diagnostics;
using System.Text.Json;
using Appliance.Hypervisor.Disks;
using Appliance.Tests.EndToEnd;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;
using Xunit.Abstractions;

namespace Appliance.Tests.Networking;

/// <summary>
/// Floating IPs end to end, inside a namespace of the test's own: a bridge standing in for the LAN (with the host's own LAN
/// address, as a homelab's br0 has), an external provider network on it, a project network made with Debian's openstack CLI,
/// a test guest serving HTTP on ports 22 and 80 (busybox httpd), and a LAN host in a peer namespace that reaches the guest on
/// its floating address, then on a forwarded port, and no longer once they are gone. openstacksdk's create_server(auto_ip=True)
/// takes its floating address from the external network.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class FloatingIpEndToEndTests(NetworkNamespaceFixture shared, ITestOutputHelper output) : IClassFixture<NetworkNamespaceFixture>
{
    private const string Lan = "192.168.78";

    private const string Inside = "inside";

    /// <summary>What the guest serves: a line with its name, on ports 22 and 80.</summary>
    private const string ServeHttp = """
        #!/bin/sh
        mkdir -p /www && echo "served by $(hostname)" > /www/index.html
        httpd -p 22 -h /www && httpd -p 80 -h /www && echo "guest: httpd up"
        """;

    private const string SdkAutoIpScript = """
        import json, openstack
        conn = openstack.connect()
        server = conn.create_server("sdk-fip", image="fip-guest", flavor="m1.nano", network="inside", auto_ip=True, wait=True, timeout=300)
        print(json.dumps({"id": server.id, "public_v4": server.public_v4, "private_v4": server.private_v4, "addresses": server.addresses}))
        """;

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task AGuest_AnswersALanHostOnItsFloatingAddress_AndOnAForwardedPort_UntilTheyGo_AndTheSdkGetsOneWithAutoIp()
    {
        var ns = shared.Require();
        OpenStackCli.AssertInstalled();
        Skip.If(!File.Exists("/usr/sbin/nft"), "floating IPs need nft (package nftables)");
        var (guest, why) = await TestGuest.BuildWithDiskAsync();
        Skip.If(guest is null, why);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var bridge = $"lan{tag}";
        var work = HypervisorPaths.EnsureDirectory(Path.Combine(ns.Root, $"fip-{tag}"));
        var dataDir = HypervisorPaths.EnsureDirectory(Path.Combine(work, "data"));
        await ns.OkAsync("ip", "link", "add", bridge, "type", "bridge");
        await ns.OkAsync("ip", "link", "set", bridge, "up");
        await ns.OkAsync("ip", "addr", "add", $"{Lan}.2/24", "dev", bridge);
        var lanHost = await ns.AddPeerNamespaceAsync(bridge, $"{Lan}.9/24");

        await using var appliance = await ns.ServeApplianceAsync(dataDir);
        try
        {
            await ServeAndCheckAsync(ns, appliance, guest!, bridge, work, dataDir, lanHost);
        }
        catch
        {
            // What the appliance said is the first thing to read when a step fails.
            output.WriteLine(string.Join('\n', appliance.Output));
            foreach (var look in new[] { "nft list ruleset", "ip -4 addr", "ip -4 route", "sysctl net.ipv4.ip_forward" })
            {
                output.WriteLine($"$ {look}\n{(await ns.RunAsync("sh", "-c", look)).Stdout}");
            }

            throw;
        }
    }

    private async Task ServeAndCheckAsync(NetworkNamespace ns, Appliance.Benchmarks.ApplianceProcess appliance, TestGuest guest, string bridge, string work,
        string dataDir, PeerNamespace lanHost)
    {
        var (exit, stdout, stderr) = await ns.Launcher().RunAsync("network", "create-provider", "lan", "--bridge", bridge, "--cidr", $"{Lan}.0/24",
            "--pool", $"{Lan}.200-{Lan}.210", "--gateway", $"{Lan}.1", "--external", "--data-dir", dataDir);
        Assert.True(exit == 0, stderr);
        output.WriteLine(stdout.Trim());

        var openRc = IdentityClient.ReadOpenRc(dataDir);
        var cli = new OpenStackCli(openRc) { Through = ns.Enter };
        using var probe = await ComputeProbe.ConnectAsync(appliance.CreateClient(), openRc);
        await cli.OkAsync("image", "create", "--file", guest!.Disk, "--disk-format", "qcow2", "--container-format", "bare", "fip-guest");
        // The guests' own network beside private, as a user makes one: the floating IPs are NAT'd into it.
        await cli.OkAsync("network", "create", Inside);
        await cli.OkAsync("subnet", "create", "--network", Inside, "--subnet-range", "198.19.77.0/24", $"{Inside}-v4");
        await AdmitGuestPortsAsync(cli);

        var userData = Path.Combine(work, "serve.sh");
        await File.WriteAllTextAsync(userData, ServeHttp.ReplaceLineEndings("\n") + "\n");
        var watch = Stopwatch.StartNew();
        var server = await cli.JsonAsync("server", "create", "--image", "fip-guest", "--flavor", "m1.nano", "--network", Inside,
            "--user-data", userData, "--wait", "web");
        var serverId = server.GetProperty("id").GetString()!;
        var console = await probe.WaitForConsoleAsync(serverId, text => text.Contains(TestGuest.ReadyMarker, StringComparison.Ordinal), "the guest ready");
        output.WriteLine($"server create and boot {watch.Elapsed.TotalSeconds:F1} s\n{console}");
        Assert.Contains("guest: httpd up", console);
        var fixedIp = (await probe.ServerAsync(serverId)).GetProperty("addresses").GetProperty(Inside)[0].GetProperty("addr").GetString()!;

        // floating ip create, server add floating ip: the LAN host and the appliance's host reach the guest on it.
        var floating = await cli.JsonAsync("floating", "ip", "create", "lan");
        var address = floating.GetProperty("floating_ip_address").GetString()!;
        Assert.Equal($"{Lan}.200", address);
        watch.Restart();
        await cli.OkAsync("server", "add", "floating", "ip", "web", address);
        await UntilAsync(() => ServedAsync(lanHost, $"http://{address}/"), true, "the LAN host reaches the floating address");
        output.WriteLine($"floating address answers {watch.Elapsed.TotalMilliseconds:F0} ms after server add floating ip");
        Assert.True(await ServedAsync(ns, $"http://{address}/"), "the host itself reaches the floating address");
        var addresses = (await probe.ServerAsync(serverId)).GetProperty("addresses").GetProperty(Inside);
        Assert.Equal([(fixedIp, "fixed"), (address, "floating")],
            addresses.EnumerateArray().Select(a => (a.GetProperty("addr").GetString()!, a.GetProperty("OS-EXT-IPS:type").GetString()!)).ToList());

        // server remove floating ip: it stops answering.
        watch.Restart();
        await cli.OkAsync("server", "remove", "floating", "ip", "web", address);
        await UntilAsync(() => ServedAsync(lanHost, $"http://{address}/"), false, "the floating address goes silent");
        output.WriteLine($"floating address silent {watch.Elapsed.TotalMilliseconds:F0} ms after server remove floating ip");

        // floating ip port forwarding create: 2222 on the floating address reaches the guest's 22, and only that port.
        var portId = (await cli.JsonAsync("port", "list", "--server", "web")).EnumerateArray().Single().GetProperty("ID").GetString()!;
        var forwarding = await cli.JsonAsync("floating", "ip", "port", "forwarding", "create", "--internal-ip-address", fixedIp, "--port", portId,
            "--internal-protocol-port", "22", "--external-protocol-port", "2222", "--protocol", "tcp", address);
        var forwardingId = forwarding.GetProperty("id").GetString()!;
        await UntilAsync(() => ServedAsync(lanHost, $"http://{address}:2222/"), true, "the forwarded port answers");
        Assert.False(await ServedAsync(lanHost, $"http://{address}/"), "only the forwarded port is published");
        await cli.OkAsync("floating", "ip", "port", "forwarding", "delete", address, forwardingId);
        await UntilAsync(() => ServedAsync(lanHost, $"http://{address}:2222/"), false, "the forwarded port goes silent");
        await cli.OkAsync("floating", "ip", "delete", address);

        // openstacksdk: create_server(auto_ip=True) takes a floating address from the external network for the new server.
        var sdk = new OpenStackCli(openRc) { Program = "/usr/bin/python3", Through = ns.Enter };
        var result = JsonDocument.Parse(await sdk.OkAsync("-c", SdkAutoIpScript)).RootElement;
        var publicV4 = result.GetProperty("public_v4").GetString();
        output.WriteLine(result.GetRawText());
        Assert.StartsWith($"{Lan}.2", publicV4);
        var sdkAddresses = (await probe.ServerAsync(result.GetProperty("id").GetString()!)).GetProperty("addresses").GetProperty(Inside);
        Assert.Contains(sdkAddresses.EnumerateArray(), a => a.GetProperty("addr").GetString() == publicV4 && a.GetProperty("OS-EXT-IPS:type").GetString() == "floating");

        await cli.OkAsync("server", "delete", "--wait", "web", "sdk-fip");
    }

    /// <summary>The default group admits only its own members: open the guest's ports 80 and 22 to the LAN, as a user would.</summary>
    private static async Task AdmitGuestPortsAsync(OpenStackCli cli)
    {
        foreach (var port in new[] { "80", "22" })
        {
            await cli.OkAsync("security", "group", "rule", "create", "default", "--protocol", "tcp", "--dst-port", port);
        }
    }

    /// <summary>Whether a GET of the url (from the LAN host's namespace, or the appliance's) returns the guest's page.</summary>
    private static async Task<bool> ServedAsync(NamespaceHolder from, string url)
    {
        var result = await from.RunAsync("/usr/bin/curl", "-sS", "--max-time", "2", url);
        return result.ExitCode == 0 && result.Stdout.Contains("served by web", StringComparison.Ordinal);
    }

    /// <summary>Polls (every 200 ms) until the probe says <paramref name="wanted"/>; fails after <see cref="Within"/>.</summary>
    private static async Task UntilAsync(Func<Task<bool>> probe, bool wanted, string what)
    {
        var watch = Stopwatch.StartNew();
        while (await probe() != wanted)
        {
            Assert.True(watch.Elapsed < Within, $"{what}: not within {Within.TotalSeconds} s");
            await Task.Delay(200);
        }
    }
}
