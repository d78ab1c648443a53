using System.Diagnostics;
using System.Text.RegularExpressions;
using Appliance.Hypervisor.Disks;
using Appliance.Tests.EndToEnd;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;
using Xunit.Abstractions;

namespace Appliance.Tests.Networking;

/// <summary>
/// A real cloud-init guest on `private`, inside a namespace of the test's own: Debian 12 built from Debian's packages boots
/// with a config drive, cloud-init configures its NIC from network_data.json and the key pair's user, the test logs in over
/// SSH with the key pair the CLI made and finds the server's name and address; after a reboot the address is the same.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class CloudInitGuestEndToEndTests(NetworkNamespaceFixture shared, ITestOutputHelper output) : IClassFixture<NetworkNamespaceFixture>
{
    /// <summary>A full Debian boot under TCG on a shared two-core machine: minutes, not seconds.</summary>
    private static readonly TimeSpan BootWithin = TimeSpan.FromMinutes(10);

    /// <summary>sshd starts before cloud-init finishes; this covers a host too busy to answer the first connection.</summary>
    private static readonly TimeSpan SshWithin = TimeSpan.FromMinutes(2);

    private const string Name = "cloud-vm";

    /// <summary>What the test reads in the guest over SSH: who and where it is, and what cloud-init made of network_data.json.</summary>
    private const string Inspect = """
        echo "hostname $(hostname)"
        echo "boot $(cat /proc/sys/kernel/random/boot_id)"
        ip -4 -o addr show dev eth0
        cat /etc/network/interfaces.d/50-cloud-init
        echo "subplatform $(sed -n 's/.*"subplatform": "\([^"]*\)".*/\1/p' /run/cloud-init/instance-data.json | head -n 1)"
        sudo grep -h -e 'network config provided via network_json' -e 'Applying network configuration from' /var/log/cloud-init.log
        systemd-analyze blame | head -n 8
        """;

    [SkippableFact]
    public async Task ADebianCloudGuestOnPrivate_TakesItsNicFromNetworkData_LetsItsKeyPairIn_AndKeepsItsAddressAcrossAReboot()
    {
        var ns = shared.Require();
        OpenStackCli.AssertInstalled();
        var (guest, why) = await DebianCloudGuest.BuildAsync();
        Skip.If(guest is null, why);
        output.WriteLine($"image: built or found current in {guest!.BuildTime.TotalSeconds:F1} s, {new FileInfo(guest.Disk).Length >> 20} MiB");
        var work = HypervisorPaths.EnsureDirectory(Path.Combine(ns.Root, $"cloud-init-{Guid.NewGuid():N}"));
        var dataDir = HypervisorPaths.EnsureDirectory(Path.Combine(work, "data"));
        await using var appliance = await ns.ServeApplianceAsync(dataDir);
        var openRc = IdentityClient.ReadOpenRc(dataDir);
        var cli = new OpenStackCli(openRc) { Through = ns.Enter };
        using var probe = await ComputeProbe.ConnectAsync(appliance.CreateClient(), openRc);

        var watch = Stopwatch.StartNew();
        await cli.OkAsync("image", "create", "--file", guest.Disk, "--disk-format", "qcow2", "--container-format", "bare", "debian-12-cloud");
        Lap(watch, "image create");
        var key = await CreateKeyPairAsync(cli, work, "cloud-key");
        // As a user does: the project's default group lets in only its own members.
        await cli.OkAsync("security", "group", "rule", "create", "default", "--protocol", "tcp", "--dst-port", "22");

        var created = await cli.JsonAsync("--os-compute-api-version", "2.37", "server", "create", "--image", "debian-12-cloud", "--flavor", "m1.tiny",
            "--key-name", "cloud-key", "--config-drive", "true", "--nic", "auto", Name);
        var id = created.GetProperty("id").GetString()!;
        var server = await probe.WaitForStatusAsync(id, "ACTIVE", BootWithin);
        Lap(watch, "server create to ACTIVE");
        var nic = server.GetProperty("addresses").GetProperty("private").EnumerateArray().Single();
        var address = nic.GetProperty("addr").GetString()!;
        var mac = nic.GetProperty("OS-EXT-IPS-MAC:mac_addr").GetString()!;

        await probe.WaitForConsoleAsync(id, text => ConsoleWaiter.Count(text, DebianCloudGuest.DoneMarker) >= 1, "cloud-init's final message", BootWithin);
        Lap(watch, "ACTIVE to cloud-init done");
        var first = await SshAsync(ns, key, address, Inspect);
        Lap(watch, "ssh");
        output.WriteLine(first);

        Assert.Equal(Name, Field(first, "hostname"));
        Assert.Contains($"inet {address}/", first);
        // ENI is cloud-init's first renderer in Debian 12; `private` has DHCP, so network_data.json says ipv4_dhcp.
        Assert.Contains("iface eth0 inet dhcp", first);
        // The config drive, found in cloud-init's local stage; the metadata service would say "metadata (http://169.254.169.254)".
        Assert.StartsWith("config-disk (/dev/", Field(first, "subplatform"));
        Assert.Contains("DataSourceConfigDrive.py[DEBUG]: network config provided via network_json", first);
        Assert.Matches($"Applying network configuration from ds .*'mac_address': '{Regex.Escape(mac)}'", first);

        // A soft reboot (the CLI's default): an ACPI shutdown and a fresh start; the guest asks DHCP again and gets the same address.
        await cli.OkAsync("server", "reboot", "--soft", id);
        var console = await probe.WaitForConsoleAsync(id, text => ConsoleWaiter.Count(text, DebianCloudGuest.DoneMarker) >= 2,
            "cloud-init's final message after the reboot", BootWithin);
        Lap(watch, "reboot to cloud-init done");
        // The guest shut itself down on the ACPI request: the soft path, not the hard reboot it falls back to.
        Assert.Contains("reboot: Power down", console);
        await probe.WaitForStatusAsync(id, "ACTIVE");
        var second = await SshAsync(ns, key, address, Inspect);
        Lap(watch, "ssh after the reboot");
        output.WriteLine(second);

        Assert.NotEqual(Field(first, "boot"), Field(second, "boot"));
        Assert.Equal(Name, Field(second, "hostname"));
        Assert.Contains($"inet {address}/", second);
        var after = (await probe.ServerAsync(id)).GetProperty("addresses").GetProperty("private").EnumerateArray().Single();
        Assert.Equal(address, after.GetProperty("addr").GetString());

        await cli.OkAsync("server", "delete", "--wait", id);
    }

    /// <summary>`openstack keypair create` with no public key: the appliance makes the pair, the CLI prints the private key, kept 0600 as ssh demands.</summary>
    private static async Task<string> CreateKeyPairAsync(OpenStackCli cli, string work, string name)
    {
        var privateKey = await cli.OkAsync("keypair", "create", name);
        var path = Path.Combine(work, name);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (OperatingSystem.IsLinux())
        {
            // Made 0600, never readable by others even for a moment: ssh refuses a private key others can read.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new StreamWriter(path, options))
        {
            await file.WriteAsync(privateKey.ReplaceLineEndings("\n"));
        }

        return path;
    }

    /// <summary>Runs a shell script in the guest as the image's user with the key pair, from inside the namespace; retries until sshd answers.</summary>
    private static async Task<string> SshAsync(NetworkNamespace ns, string key, string address, string script)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var result = await ns.RunAsync("/usr/bin/ssh", "-F", "/dev/null", "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=20", "-o", "LogLevel=ERROR",
                $"{DebianCloudGuest.User}@{address}", script);
            if (result.ExitCode == 0)
            {
                return result.Stdout;
            }

            // 255 is ssh's own failure (no route yet, refused, key not yet installed); anything else is the script's.
            Assert.True(result.ExitCode == 255 && watch.Elapsed < SshWithin, $"ssh {address} exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private static string Field(string text, string name) =>
        text.Split('\n').Select(line => line.Trim()).First(line => line.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..];

    private void Lap(Stopwatch watch, string what)
    {
        output.WriteLine($"{what}: {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();
    }
}
