using System.Diagnostics;
using System.Net;
using Appliance.Hypervisor.Disks;
using Appliance.Tests.EndToEnd;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;
using Xunit.Abstractions;

namespace Appliance.Tests.Networking;

/// <summary>
/// The network-namespace fixture on this machine: its own libvirtd makes a NAT network whose bridge, dnsmasq and firewall
/// rules stay inside, the test guest gets its static DHCP address there, a peer namespace on the bridge reaches the guest,
/// the appliance serves inside and answers the test over its unix socket; dispose leaves no process behind.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class NetworkNamespaceTests(NetworkNamespaceFixture shared, ITestOutputHelper output) : IClassFixture<NetworkNamespaceFixture>
{
    private static readonly TimeSpan GuestWithin = TimeSpan.FromSeconds(120);

    /// <summary>A namespace of its own, not the shared one: it checks what dispose leaves.</summary>
    [SkippableFact]
    public async Task NatNetworkInside_GuestGetsItsStaticLease_PeerReachesIt_HostSeesNoBridge_DisposeLeavesNothing()
    {
        NetworkNamespace.Require();
        var (testGuest, why) = await TestGuest.BuildAsync();
        Skip.If(testGuest is null, why);

        var tag = Guid.NewGuid().ToString("N")[..8];
        var (network, bridge, domain) = ($"nstest-{tag}", $"nsbr{tag}", $"nsguest-{tag}");
        const string Gateway = "10.77.9.1";
        const string GuestIp = "10.77.9.50";
        var mac = $"52:54:00:{tag[..2]}:{tag[2..4]}:{tag[4..6]}";

        var watch = Stopwatch.StartNew();
        var ns = await NetworkNamespace.StartAsync();
        output.WriteLine($"namespace with its libvirtd up in {watch.Elapsed.TotalSeconds:F1} s");
        var netId = ns.NetId;
        var root = ns.Root;
        try
        {
            // The guest's files are the namespace's own copies: its libvirtd relabels what it boots, and the shared build
            // output may be rebuilt by a checkout with another /init meanwhile.
            var guestDir = HypervisorPaths.EnsureDirectory(Path.Combine(root, "guest"));
            var kernel = Path.Combine(guestDir, "vmlinuz");
            var initrd = Path.Combine(guestDir, "initrd.img");
            File.Copy(testGuest!.Kernel, kernel);
            File.Copy(testGuest.Initrd, initrd);
            var console = Path.Combine(guestDir, "console.log");

            var networkXml = Path.Combine(root, "network.xml");
            await File.WriteAllTextAsync(networkXml, $"""
                <network>
                  <name>{network}</name>
                  <forward mode='nat'/>
                  <bridge name='{bridge}' stp='off'/>
                  <ip address='{Gateway}' prefix='24'>
                    <dhcp>
                      <range start='10.77.9.100' end='10.77.9.200'/>
                      <host mac='{mac}' name='{domain}' ip='{GuestIp}'/>
                    </dhcp>
                  </ip>
                </network>
                """);
            watch.Restart();
            await ns.VirshAsync("net-define", networkXml);
            await ns.VirshAsync("net-start", network);
            output.WriteLine($"network defined and started in {watch.Elapsed.TotalSeconds:F1} s");

            // The bridge is the namespace's, not the host's.
            Assert.Contains(bridge, await ns.OkAsync("ip", "-br", "link"));
            Assert.DoesNotContain(bridge, await QemuEndToEnd.HostToolAsync("ip", "-br", "link"));

            var domainXml = Path.Combine(root, "domain.xml");
            await File.WriteAllTextAsync(domainXml, $"""
                <domain type='qemu'>
                  <name>{domain}</name>
                  <memory unit='MiB'>256</memory>
                  <vcpu>1</vcpu>
                  <os>
                    <type arch='x86_64'>hvm</type>
                    <kernel>{kernel}</kernel>
                    <initrd>{initrd}</initrd>
                    <cmdline>console=ttyS0 quiet</cmdline>
                  </os>
                  <features><acpi/></features>
                  <devices>
                    <interface type='network'>
                      <source network='{network}'/>
                      <mac address='{mac}'/>
                      <model type='virtio'/>
                    </interface>
                    <serial type='file'>
                      <source path='{console}'/>
                      <target port='0'/>
                    </serial>
                  </devices>
                </domain>
                """);
            await ns.VirshAsync("define", domainXml);
            watch.Restart();
            await ns.VirshAsync("start", domain);
            var started = watch.Elapsed;
            await WaitForConsoleAsync(console, t => t.Contains("guest: booted", StringComparison.Ordinal));
            var booted = watch.Elapsed;
            await WaitForConsoleAsync(console, t => t.Contains("guest: ip eth0 ", StringComparison.Ordinal));
            var addressed = watch.Elapsed;
            var text = await WaitForConsoleAsync(console, t => t.Contains(TestGuest.ReadyMarker, StringComparison.Ordinal));
            output.WriteLine($"guest started in {started.TotalSeconds:F1} s; /init running after {booted.TotalSeconds:F1} s, " +
                $"its address line after {addressed.TotalSeconds:F1} s, ready after {watch.Elapsed.TotalSeconds:F1} s");

            Assert.Contains($"guest: ip eth0 {GuestIp}/24\n", text.ReplaceLineEndings("\n"));
            Assert.True(text.IndexOf("guest: ip eth0", StringComparison.Ordinal) < text.IndexOf(TestGuest.ReadyMarker, StringComparison.Ordinal),
                "the address line comes before the ready marker");

            // A second namespace on the bridge reaches the guest: layer 2 between a peer and the guest's NIC.
            watch.Restart();
            var peer = await ns.AddPeerNamespaceAsync(bridge, "10.77.9.9/24");
            await peer.OkAsync("/bin/busybox", "ping", "-c", "1", "-W", "10", GuestIp);
            output.WriteLine($"peer namespace added and the guest answered its ping in {watch.Elapsed.TotalSeconds:F1} s");
            Assert.DoesNotContain(bridge, await QemuEndToEnd.HostToolAsync("ip", "-br", "link"));
        }
        finally
        {
            watch.Restart();
            await ns.DisposeAsync();
            output.WriteLine($"disposed in {watch.Elapsed.TotalSeconds:F1} s");
        }

        Assert.Empty(NamespaceHolder.ProcessesIn(netId));
        Assert.False(Directory.Exists(root));
        Assert.DoesNotContain(bridge, await QemuEndToEnd.HostToolAsync("ip", "-br", "link"));
    }

    [SkippableFact]
    public async Task ApplianceInside_AnswersTheTestOverItsSocket_AndTheCliInsideOverLoopback()
    {
        var ns = shared.Require();
        OpenStackCli.AssertInstalled();
        var dataDir = HypervisorPaths.EnsureDirectory(Path.Combine(ns.Root, $"data-{Guid.NewGuid():N}"));

        var watch = Stopwatch.StartNew();
        await using var appliance = await ns.ServeApplianceAsync(dataDir);
        output.WriteLine($"appliance serving inside in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(NamespaceHolder.NetIdOf(appliance.Pid), ns.NetId);

        using var client = appliance.CreateClient();
        using var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // The admin-openrc names the loopback URL, which only clients inside reach.
        var openRc = IdentityClient.ReadOpenRc(dataDir);
        Assert.StartsWith(appliance.BaseUrl, openRc["OS_AUTH_URL"]);
        var cli = new OpenStackCli(openRc) { Through = ns.Enter };
        var flavors = await cli.JsonAsync("flavor", "list");
        Assert.True(flavors.GetArrayLength() > 0, "the CLI inside lists the appliance's flavors");
    }

    /// <summary>The console file's text once it satisfies the condition; fails with what it says otherwise.</summary>
    private static async Task<string> WaitForConsoleAsync(string path, Func<string, bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        var text = "";
        while (deadline.Elapsed < GuestWithin)
        {
            text = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
            if (condition(text))
            {
                return text;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the guest's console did not show what was awaited within {GuestWithin}; it says:\n{text}");
    }
}
