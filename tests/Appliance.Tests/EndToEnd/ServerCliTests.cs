using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Appliance.Hypervisor.Disks;
using Appliance.Benchmarks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;
using Xunit.Abstractions;

namespace Appliance.Tests.EndToEnd;

/// <summary>`openstack server ...` from Debian's CLI against the real appliance on real libvirt + QEMU, booting the test guest.</summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class ServerCliTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task OpenStackCli_BootsTheTestGuest_WithUserDataKeyAndMetadata_ThenDeletesIt()
    {
        OpenStackCli.AssertInstalled();
        LibvirtAvailability.RequireSystem();
        var (guest, why) = await TestGuest.BuildWithDiskAsync();
        Skip.If(guest is null, why);

        using var dir = new TempDataDir();
        // libvirt's QEMU user must reach the disks under the data dir.
        HypervisorPaths.SetMode(dir.Path, HypervisorPaths.TraversableMode);
        var dataDir = HypervisorPaths.EnsureDirectory(Path.Combine(dir.Path, "data"));
        await using var appliance = await ApplianceProcess.ServeAsync(dataDir, LibvirtAvailability.SystemUri);
        var cli = new OpenStackCli(IdentityClient.ReadOpenRc(dataDir));

        await cli.OkAsync("image", "create", "--file", guest!.Disk, "--disk-format", "qcow2", "--container-format", "bare", "test-guest");
        var publicKey = Path.Combine(dir.Path, "id.pub");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(dir.Path, "id"));
        await cli.OkAsync("keypair", "create", "--public-key", publicKey, "k");
        var userData = Path.Combine(dir.Path, "ud.sh");
        await File.WriteAllTextAsync(userData, "#!/bin/sh\necho \"user-data says hello from $(hostname)\"\n");

        var watch = Stopwatch.StartNew();
        var created = await cli.JsonAsync("--os-compute-api-version", "2.37", "server", "create", "--image", "test-guest", "--flavor", "m1.nano",
            "--user-data", userData, "--key-name", "k", "--property", "a=b", "--config-drive", "true", "--nic", "none", "--wait", "vm1");
        output.WriteLine($"server create --wait: {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal("ACTIVE", created.GetProperty("status").GetString());
        var id = created.GetProperty("id").GetString()!;

        var console = await WaitForConsoleAsync(cli, "vm1", TestGuest.ReadyMarker);
        output.WriteLine($"ready marker after {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Contains($"\"uuid\":\"{id}\"", console.Replace(" ", ""));
        Assert.Contains("user-data says hello from vm1", console);
        Assert.Contains("ssh-ed25519", console);
        Assert.Contains("\"a\":\"b\"", console.Replace(" ", ""));

        var list = await cli.JsonAsync("server", "list");
        var row = Assert.Single(list.EnumerateArray());
        Assert.Equal((id, "vm1", "ACTIVE"), (row.GetProperty("ID").GetString(), row.GetProperty("Name").GetString(), row.GetProperty("Status").GetString()));

        await cli.OkAsync("server", "set", "--property", "c=d", "vm1");
        var shown = await cli.JsonAsync("server", "show", "vm1");
        Assert.Equal("k", shown.GetProperty("key_name").GetString());
        Assert.Contains("c", PropertiesOf(shown));
        Assert.Contains("a", PropertiesOf(shown));

        await cli.OkAsync("server", "delete", "--wait", "vm1");
        Assert.Equal(0, (await cli.JsonAsync("server", "list")).GetArrayLength());
        var (_, domains, _) = await RunAsync("virsh", "-c", LibvirtAvailability.SystemUri, "list", "--all", "--uuid");
        Assert.DoesNotContain(id, domains);
        Assert.False(Directory.Exists(Path.Combine(dataDir, "instances", id)));
    }

    /// <summary>The CLI prints properties as a dict (newer) or "a='b', c='d'" (older); either way the keys are there.</summary>
    private static string PropertiesOf(JsonElement server) =>
        server.TryGetProperty("properties", out var properties) ? properties.ToString() : "";

    private static async Task<string> WaitForConsoleAsync(OpenStackCli cli, string server, string marker)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        var console = "";
        while (DateTime.UtcNow < deadline)
        {
            console = await cli.OkAsync("console", "log", "show", server);
            if (console.Contains(marker, StringComparison.Ordinal))
            {
                return console;
            }

            await Task.Delay(1000);
        }

        Assert.Fail($"no '{marker}' in the console log within 2 minutes:\n{console}");
        return console;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} exited {process.ExitCode}: {await stderr}");
        return (process.ExitCode, await stdout, await stderr);
    }
}
