using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Hypervisor.Disks;
using Appliance.Tests.EndToEnd;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;
using Xunit.Abstractions;

namespace Appliance.Tests.Networking;

/// <summary>
/// The default network end to end, inside a namespace of the test's own with its own libvirtd: Debian's openstack CLI
/// creates two test guests on `private`; each gets its address by DHCP and it equals `addresses`; they reach each other and
/// the gateway; each reads its own meta_data.json from 169.254.169.254; one that sends from the other's address hears nothing;
/// a third with --nic none has no NIC.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed partial class PrivateNetworkEndToEndTests(NetworkNamespaceFixture shared, ITestOutputHelper output) : IClassFixture<NetworkNamespaceFixture>
{
    [SkippableFact]
    public async Task TwoGuestsOnPrivate_GetTheirAddresses_ReachEachOther_ReadTheirOwnMetadata_AndCannotSpoof()
    {
        var ns = shared.Require();
        OpenStackCli.AssertInstalled();
        var (guest, why) = await TestGuest.BuildWithDiskAsync();
        Skip.If(guest is null, why);
        var work = HypervisorPaths.EnsureDirectory(Path.Combine(ns.Root, $"private-{Guid.NewGuid():N}"));
        var dataDir = HypervisorPaths.EnsureDirectory(Path.Combine(work, "data"));
        await using var appliance = await ns.ServeApplianceAsync(dataDir);
        var openRc = IdentityClient.ReadOpenRc(dataDir);
        var cli = new OpenStackCli(openRc) { Through = ns.Enter };
        using var probe = await ComputeProbe.ConnectAsync(appliance.CreateClient(), openRc);
        await cli.OkAsync("image", "create", "--file", guest!.Disk, "--disk-format", "qcow2", "--container-format", "bare", QemuEndToEnd.ImageName);

        // The first guest: its gateway and its own metadata.
        var first = await CreateAsync(cli, work, "vm-a", """
            #!/bin/sh
            gateway=$(ip route | sed -n 's/^default via \([0-9.]*\).*/\1/p')
            ping -c 2 -W 5 "$gateway" > /dev/null 2>&1 && echo "guest: gateway $gateway answers" || echo "guest: gateway $gateway silent"
            wget -q -O /tmp/meta_data.json http://169.254.169.254/openstack/latest/meta_data.json
            echo "guest: metadata uuid $(sed -n 's/.*"uuid": *"\([^"]*\)".*/\1/p' /tmp/meta_data.json)"
            """);
        var (firstId, firstAddress) = await AddressedAsync(cli, probe, first);

        // The second: the first guest, its own metadata, and a send from the first guest's address that must go unanswered.
        var second = await CreateAsync(cli, work, "vm-b", $$"""
            #!/bin/sh
            ping -c 3 -W 5 {{firstAddress}} > /dev/null 2>&1 && echo "guest: peer {{firstAddress}} answers" || echo "guest: peer {{firstAddress}} silent"
            wget -q -O /tmp/meta_data.json http://169.254.169.254/openstack/latest/meta_data.json
            echo "guest: metadata uuid $(sed -n 's/.*"uuid": *"\([^"]*\)".*/\1/p' /tmp/meta_data.json)"
            gateway=$(ip route | sed -n 's/^default via \([0-9.]*\).*/\1/p')
            ip addr add {{firstAddress}}/32 dev eth0
            ping -c 3 -W 3 -I {{firstAddress}} "$gateway" > /dev/null 2>&1 && echo "guest: spoofed reply" || echo "guest: spoofed silence"
            ip addr del {{firstAddress}}/32 dev eth0
            """);
        var (secondId, secondAddress) = await AddressedAsync(cli, probe, second);
        Assert.NotEqual(firstAddress, secondAddress);

        var firstConsole = await probe.WaitForConsoleAsync(firstId, text => text.Contains(TestGuest.ReadyMarker, StringComparison.Ordinal), "vm-a ready");
        var secondConsole = await probe.WaitForConsoleAsync(secondId, text => text.Contains(TestGuest.ReadyMarker, StringComparison.Ordinal), "vm-b ready");
        output.WriteLine($"vm-a {firstAddress}:\n{firstConsole}\nvm-b {secondAddress}:\n{secondConsole}");

        Assert.Contains($"guest: ip eth0 {firstAddress}/", firstConsole);
        Assert.Matches(@"guest: gateway [0-9.]+ answers", firstConsole);
        Assert.Contains($"guest: metadata uuid {firstId}", firstConsole);

        Assert.Contains($"guest: ip eth0 {secondAddress}/", secondConsole);
        Assert.Contains($"guest: peer {firstAddress} answers", secondConsole);
        Assert.Contains($"guest: metadata uuid {secondId}", secondConsole);
        Assert.Contains("guest: spoofed silence", secondConsole);

        // --nic none: a guest without a NIC, on the same appliance.
        var lone = await cli.JsonAsync("--os-compute-api-version", "2.37", "server", "create", "--image", QemuEndToEnd.ImageName,
            "--flavor", "m1.nano", "--nic", "none", "--wait", "vm-c");
        var loneId = lone.GetProperty("id").GetString()!;
        var loneConsole = await probe.WaitForConsoleAsync(loneId, text => text.Contains(TestGuest.ReadyMarker, StringComparison.Ordinal), "vm-c ready");
        Assert.DoesNotContain("guest: ip eth0", loneConsole);
        Assert.Equal("{}", (await probe.ServerAsync(loneId)).GetProperty("addresses").GetRawText());

        // Delete frees both addresses and their DHCP entries.
        await cli.OkAsync("server", "delete", "--wait", "vm-a", "vm-b", "vm-c");
        var hosts = await ns.RunAsync("sh", "-c", "virsh -c qemu:///system net-dumpxml $(virsh -c qemu:///system net-list --name | grep appliance- | head -n 1)");
        Assert.DoesNotContain(firstAddress, hosts.Stdout);
        Assert.DoesNotContain(secondAddress, hosts.Stdout);
    }

    private async Task<string> CreateAsync(OpenStackCli cli, string work, string name, string userData)
    {
        var file = Path.Combine(work, $"{name}.sh");
        await File.WriteAllTextAsync(file, userData.ReplaceLineEndings("\n") + "\n");
        var watch = Stopwatch.StartNew();
        var created = await cli.JsonAsync("--os-compute-api-version", "2.37", "server", "create", "--image", QemuEndToEnd.ImageName,
            "--flavor", "m1.nano", "--user-data", file, "--nic", "auto", "--wait", name);
        output.WriteLine($"{name}: server create --wait {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal("ACTIVE", created.GetProperty("status").GetString());
        return created.GetProperty("id").GetString()!;
    }

    /// <summary>The server's one address on private, from the API and the CLI alike, once its guest printed the address DHCP gave it.</summary>
    private static async Task<(string Id, string Address)> AddressedAsync(OpenStackCli cli, ComputeProbe probe, string id)
    {
        var server = await probe.ServerAsync(id);
        var address = server.GetProperty("addresses").GetProperty("private").EnumerateArray().Single().GetProperty("addr").GetString()!;
        var shown = await cli.JsonAsync("server", "show", id);
        Assert.Contains(address, shown.GetProperty("addresses").ToString());
        var console = await probe.WaitForConsoleAsync(id, text => text.Contains("guest: ip eth0 ", StringComparison.Ordinal), "its address line");
        Assert.Equal(address, AddressLine().Match(console).Groups[1].Value);
        return (id, address);
    }

    [GeneratedRegex(@"guest: ip eth0 ([0-9.]+)/")]
    private static partial Regex AddressLine();
}
