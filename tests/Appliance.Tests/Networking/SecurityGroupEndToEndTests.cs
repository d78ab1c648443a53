using System.Diagnostics;
using Appliance.Benchmarks;
using Appliance.Core.Networks;
using Appliance.Hypervisor.Disks;
using Appliance.Tests.EndToEnd;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;
using Xunit.Abstractions;

namespace Appliance.Tests.Networking;

/// <summary>
/// Security groups on the data plane, inside a namespace of the test's own with its own libvirtd: Debian's openstack CLI
/// makes a network, a group `web` and a server in it that serves port 22 (busybox httpd). A peer on the network's bridge
/// (bridged traffic, which libvirt's filters see) finds port 22 closed; a rule opens it, its delete closes it, and so do
/// moving the port out of the group and back in, and server add/remove security group, each within a second of the CLI returning (measured and printed).
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class SecurityGroupEndToEndTests(NetworkNamespaceFixture shared, ITestOutputHelper output) : IClassFixture<NetworkNamespaceFixture>
{
    [SkippableFact]
    public async Task ARuleOpensPort22_ItsDeleteClosesIt_AndSoDoesLeavingTheGroup_OnTheRunningGuest()
    {
        var ns = shared.Require();
        OpenStackCli.AssertInstalled();
        var (guest, why) = await TestGuest.BuildWithDiskAsync();
        Skip.If(guest is null, why);
        var work = HypervisorPaths.EnsureDirectory(Path.Combine(ns.Root, $"sg-{Guid.NewGuid():N}"));
        var dataDir = HypervisorPaths.EnsureDirectory(Path.Combine(work, "data"));
        await using var appliance = await ns.ServeApplianceAsync(dataDir);
        try
        {
            await RunAsync(ns, appliance, guest!, dataDir, work);
        }
        finally
        {
            output.WriteLine(string.Join("\n", appliance.Output.TakeLast(80)));
        }
    }

    /// <summary>The peer takes the subnet's last host address (a /24's .254): the guests here take the lowest free ones.</summary>
    private static string PeerAddress(string cidr)
    {
        var range = Ipv4Cidr.Parse(cidr);
        return $"{Ipv4Cidr.Format(range.LastHost)}/{range.PrefixLength}";
    }

    private async Task RunAsync(NetworkNamespace ns, ApplianceProcess appliance, TestGuest guest, string dataDir, string work)
    {
        var openRc = IdentityClient.ReadOpenRc(dataDir);
        var cli = new OpenStackCli(openRc) { Through = ns.Enter };
        using var probe = await ComputeProbe.ConnectAsync(appliance.CreateClient(), openRc);
        await cli.OkAsync("image", "create", "--file", guest.Disk, "--disk-format", "qcow2", "--container-format", "bare", QemuEndToEnd.ImageName);

        // On private: a second appliance network's dnsmasq can't bind the metadata address the first one holds (a known limit, not ours here).
        var network = await cli.JsonAsync("network", "show", "private");
        var networkId = network.GetProperty("id").GetString()!;
        var cidr = (await cli.JsonAsync("subnet", "show", network.GetProperty("subnets").EnumerateArray().Single().GetString()!)).GetProperty("cidr").GetString()!;
        var web = (await cli.JsonAsync("security", "group", "create", "web")).GetProperty("id").GetString()!;

        var userData = Path.Combine(work, "web.sh");
        await File.WriteAllTextAsync(userData, "#!/bin/sh\nmkdir -p /tmp/www && echo web > /tmp/www/index.html && httpd -p 22 -h /tmp/www && echo guest: httpd on 22\n");
        var created = await cli.JsonAsync("--os-compute-api-version", "2.37", "server", "create", "--image", QemuEndToEnd.ImageName, "--flavor", "m1.nano",
            "--network", "private", "--security-group", "web", "--user-data", userData, "--wait", "vm-web");
        var id = created.GetProperty("id").GetString()!;
        var console = await probe.WaitForConsoleAsync(id, text => text.Contains(TestGuest.ReadyMarker, StringComparison.Ordinal), "vm-web ready");
        output.WriteLine(console);
        Assert.Contains("guest: httpd on 22", console);
        var address = (await probe.ServerAsync(id)).GetProperty("addresses").GetProperty("private").EnumerateArray().Single().GetProperty("addr").GetString()!;
        var port = (await cli.JsonAsync("port", "list", "--server", id)).EnumerateArray().Single().GetProperty("ID").GetString()!;
        Assert.Contains(web, (await cli.JsonAsync("port", "show", port)).GetProperty("security_group_ids").ToString());

        var peer = await ns.AddPeerNamespaceAsync(new NetworkNames(dataDir).Bridge(networkId), PeerAddress(cidr));
        async Task<bool> OpenAsync() => (await peer.RunAsync("/usr/bin/timeout", "0.3", "/bin/bash", "-c", $"exec 3<>/dev/tcp/{address}/22")).ExitCode == 0;

        async Task<TimeSpan> UntilAsync(bool open, string what)
        {
            var watch = Stopwatch.StartNew();
            while (await OpenAsync() != open)
            {
                // The time each change takes is printed (the target is a second; measured in hundreds of milliseconds): the bound here
                // only keeps a change that never arrives from hanging the test, whatever the machine's load.
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"port 22 still {(open ? "closed" : "open")} 15 s after {what}");
            }

            output.WriteLine($"{what}: port 22 {(open ? "open" : "closed")} after {watch.Elapsed.TotalMilliseconds:F0} ms");
            return watch.Elapsed;
        }

        // Only egress in web: nothing reaches port 22.
        Assert.False(await OpenAsync());

        var rule = (await cli.JsonAsync("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", "web")).GetProperty("id").GetString()!;
        await UntilAsync(open: true, "security group rule create");

        await cli.OkAsync("security", "group", "rule", "delete", rule);
        await UntilAsync(open: false, "security group rule delete");

        // The port leaves web for a group that lets 22 in, and comes back.
        var ssh = (await cli.JsonAsync("security", "group", "create", "ssh")).GetProperty("id").GetString()!;
        await cli.OkAsync("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", "ssh");
        await cli.OkAsync("port", "set", "--no-security-group", "--security-group", ssh, port);
        await UntilAsync(open: true, "port set --security-group ssh");
        await cli.OkAsync("port", "set", "--no-security-group", "--security-group", web, port);
        await UntilAsync(open: false, "port set --security-group web");

        // Nova's side: the server joins ssh (port 22 opens) and leaves it (it closes).
        await cli.OkAsync("server", "add", "security", "group", id, "ssh");
        await UntilAsync(open: true, "server add security group ssh");
        await cli.OkAsync("server", "remove", "security", "group", id, "ssh");
        await UntilAsync(open: false, "server remove security group ssh");

        await cli.OkAsync("server", "delete", "--wait", id);
        await cli.OkAsync("security", "group", "delete", "web", "ssh");
    }
}
