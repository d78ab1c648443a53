using System.Diagnostics;
using Appliance.Tests.Hypervisor;
using Xunit.Abstractions;

namespace Appliance.Tests.EndToEnd;

/// <summary>
/// Debian's `openstack server resize --wait` + `resize confirm`, the `resize revert` path and `server rebuild --image --wait`
/// on one booted test guest on real QEMU: each checked by the server's status and flavor and by a new boot on its console.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class ServerResizeRebuildCliTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task OpenStackCli_ResizeConfirm_ResizeRevert_Rebuild_OnTheBootedTestGuest()
    {
        await using var e2e = await QemuEndToEnd.ServeAsync();
        var cli = e2e.Cli;
        using var probe = await e2e.ProbeAsync();
        var watch = Stopwatch.StartNew();
        string? id = null;
        try
        {
            await e2e.UploadTestGuestAsync();
            var created = await cli.JsonAsync("--os-compute-api-version", "2.37", "server", "create", "--image", "test-guest", "--flavor", "m1.nano",
                "--nic", "none", "--wait", "vm1");
            id = created.GetProperty("id").GetString()!;
            await probe.WaitForConsoleAsync(id, text => Boots(text) == 1, "first boot");
            Lap(watch, "create --wait, to the ready marker");

            // Resize up, then confirm: the guest comes back with the new flavor's memory.
            await cli.OkAsync("server", "resize", "--flavor", "m1.tiny", "--wait", "vm1");
            var resized = await probe.WaitForStatusAsync(id, "VERIFY_RESIZE");
            Assert.Equal(Tiny, FlavorOf(resized));
            await cli.OkAsync("server", "resize", "confirm", "vm1");
            var confirmed = await probe.WaitForStatusAsync(id, "ACTIVE");
            Assert.Equal(Tiny, FlavorOf(confirmed));
            await probe.WaitForConsoleAsync(id, text => Boots(text) == 2, "boot after the resize");
            Lap(watch, "resize --wait + confirm, to the ready marker");

            // Resize again, then revert: the old flavor (m1.tiny) is back and the guest boots on its kept disks.
            await cli.OkAsync("server", "resize", "--flavor", "m1.nano", "--wait", "vm1");
            Assert.Equal(Nano, FlavorOf(await probe.WaitForStatusAsync(id, "VERIFY_RESIZE")));
            await cli.OkAsync("server", "resize", "revert", "vm1");
            Assert.Equal(Tiny, FlavorOf(await probe.WaitForStatusAsync(id, "ACTIVE")));
            await probe.WaitForConsoleAsync(id, text => Boots(text) >= 3, "boot after the revert");
            Lap(watch, "resize --wait + revert, to the ready marker");

            // Rebuild from the image: a new root disk and config drive, the same server id, a fresh boot.
            var bootsBefore = Boots(await probe.ConsoleAsync(id));
            await cli.OkAsync("server", "rebuild", "--image", "test-guest", "--wait", "vm1");
            var rebuilt = await probe.WaitForStatusAsync(id, "ACTIVE");
            Assert.Equal(id, rebuilt.GetProperty("id").GetString());
            // The rebuilt guest is a new domain whose console log starts over, so one boot (or more than before) is the new one.
            await probe.WaitForConsoleAsync(id, text => Boots(text) == 1 || Boots(text) > bootsBefore, "boot after the rebuild");
            Lap(watch, "rebuild --wait, to the ready marker");

            await cli.OkAsync("server", "delete", "--wait", "vm1");
            Assert.False(Directory.Exists(Path.Combine(e2e.DataDir, "instances", id + "_resize")));
            id = null;
        }
        finally
        {
            if (id is not null)
            {
                await cli.RunAsync("server", "delete", "--wait", "vm1");
            }
        }
    }

    private static int Boots(string console) => ConsoleWaiter.Count(console, TestGuest.ReadyMarker);

    private const string Tiny = "1";
    private const string Nano = "42";

    /// <summary>The flavor id the server shows (the probe speaks 2.1, where the flavor is a reference).</summary>
    private static string? FlavorOf(System.Text.Json.JsonElement server) => server.GetProperty("flavor").GetProperty("id").GetString();

    private void Lap(Stopwatch watch, string what)
    {
        output.WriteLine($"{what,-48} {watch.Elapsed.TotalSeconds,5:F1} s");
        watch.Restart();
    }
}
