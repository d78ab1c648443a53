using System.Diagnostics;
using System.Text.Json;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
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
        await using var e2e = await QemuEndToEnd.ServeAsync();
        var cli = e2e.Cli;

        await e2e.UploadTestGuestAsync();
        var publicKey = Path.Combine(e2e.WorkDir, "id.pub");
        await QemuEndToEnd.HostToolAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(e2e.WorkDir, "id"));
        await cli.OkAsync("keypair", "create", "--public-key", publicKey, "k");
        var userData = Path.Combine(e2e.WorkDir, "ud.sh");
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
        Assert.DoesNotContain(id, await QemuEndToEnd.VirshAsync("list", "--all", "--uuid"));
        Assert.False(Directory.Exists(Path.Combine(e2e.DataDir, "instances", id)));
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
}
