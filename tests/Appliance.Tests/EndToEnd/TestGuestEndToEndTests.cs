using System.Diagnostics;
using Appliance.Hypervisor;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Appliance.Tests.Hypervisor;
using Xunit.Abstractions;

namespace Appliance.Tests.EndToEnd;

/// <summary>Real libvirtd and QEMU (TCG here): the test guest boots, reads its config drive and shows what it did on its console.</summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class TestGuestEndToEndTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Guest_BootsFromItsConfigDrive_SurvivesRebootPowerCycleAndResize_SnapshotBoots_DestroyLeavesNothing()
    {
        var testGuest = await QemuEndToEnd.RequireGuestAsync();
        using var fixture = QemuEndToEnd.Driver();
        var driver = fixture.Driver;
        var volumeId = $"vol-{Guid.NewGuid():N}"[..16];
        var volume = await new Volumes(fixture.Paths).CreateBlankAsync(volumeId, 32L << 20);
        var token = Guid.NewGuid().ToString("N");
        var request = QemuEndToEnd.GuestRequest(fixture, testGuest, token) with { Volumes = [new VolumeFile(volumeId, volume, Volumes.Format)] };
        var uuid = request.Uuid;
        var transitions = new List<LifecycleTransition>();
        driver.LifecycleChanged += e =>
        {
            if (e.InstanceUuid == uuid)
            {
                lock (transitions)
                {
                    transitions.Add(e.Transition);
                }
            }
        };

        // Spawn and boot to the ready marker.
        var watch = Stopwatch.StartNew();
        var report = await driver.SpawnAsync(request);
        var spawned = watch.Elapsed;
        var console = await ConsoleWaiter.WaitForAsync(driver, uuid, t => t.Contains(TestGuest.ReadyMarker), "ready marker");
        output.WriteLine($"spawn {spawned.TotalMilliseconds:F0} ms ({string.Join(", ", report.Phases.Select(p => $"{p.Name} {p.Duration.TotalMilliseconds:F0} ms"))}); ready after {watch.Elapsed.TotalSeconds:F1} s");

        Assert.Contains($"\"uuid\":\"{uuid}\"", console);
        // Nova's SMBIOS, as the guest's firmware hands it over (under TCG here, under KVM on hosts that have it).
        Assert.Contains($"guest: dmi OpenStack Foundation | OpenStack Nova | {uuid} | Virtual Machine", console);
        Assert.Contains("guest: hostname e2e-guest", console);
        Assert.Contains($"user-data-ran {token}", console);
        Assert.Contains("guest: user_data exit 0", console);
        Assert.Contains($"guest: personality /etc/appliance-e2e mode 440 personality {token}", console);
        Assert.Matches(@"guest: personality kept /etc/motd\.bak\.\d+ motd of the test guest image", console);
        Assert.Contains($"guest: personality /etc/motd mode 440 motd {token}", console);
        Assert.Contains("guest: swap on vdb", console);
        Assert.Contains($"guest: disk vdc sectors={(32L << 20) / 512} serial={volumeId}", console);

        // Hot attach and detach of a second volume, seen by the running guest.
        var hotId = $"vol-{Guid.NewGuid():N}"[..16];
        var hot = await new Volumes(fixture.Paths).CreateBlankAsync(hotId, 8L << 20);
        Assert.Equal("vdd", await driver.AttachVolumeAsync(uuid, new VolumeFile(hotId, hot, Volumes.Format)));
        await ConsoleWaiter.WaitForAsync(driver, uuid, t => t.Contains($"guest: disk added vdd sectors={(8L << 20) / 512} serial={hotId}"), "hot-plugged volume");
        await driver.DetachVolumeAsync(uuid, hotId);
        await ConsoleWaiter.WaitForAsync(driver, uuid, t => t.Contains("guest: disk removed vdd"), "hot-unplugged volume");

        // A guest without an agent cannot have its password set, and says so.
        await Assert.ThrowsAsync<GuestAgentUnavailableException>(() => driver.SetAdminPasswordAsync(uuid, "root", "n3w"));

        // Soft reboot: ACPI shutdown honoured, so no fallback to hard; ready again.
        watch.Restart();
        Assert.Equal(RebootKind.Soft, await driver.RebootAsync(uuid, RebootKind.Soft));
        await ConsoleWaiter.WaitForBootAsync(driver, uuid, 2);
        output.WriteLine($"soft reboot to ready {watch.Elapsed.TotalSeconds:F1} s");

        // Power off (ACPI) and on again.
        watch.Restart();
        await driver.PowerOffAsync(uuid);
        Assert.Equal(PowerState.Shutdown, driver.GetPowerState(uuid));
        output.WriteLine($"power off {watch.Elapsed.TotalSeconds:F1} s");
        await driver.PowerOnAsync(uuid);
        await ConsoleWaiter.WaitForBootAsync(driver, uuid, 3);
        Assert.Equal(PowerState.Running, driver.GetPowerState(uuid));

        // Cold resize: more memory, a bigger swap the guest sees after its restart.
        watch.Restart();
        await driver.ResizeAsync(uuid, new FlavorSize(MemoryMiB: 320, VCpus: 1, RootGiB: 1, SwapMiB: 32, EphemeralGiB: 0));
        var resized = await ConsoleWaiter.WaitForBootAsync(driver, uuid, 4);
        Assert.Contains($"guest: disk vdb sectors={(32L << 20) / 512} serial=", resized);
        Assert.Contains("guest: swap on vdb", resized);
        output.WriteLine($"resize to ready {watch.Elapsed.TotalSeconds:F1} s");

        // Snapshot the root disk and boot a second guest from it.
        watch.Restart();
        var snapshot = Path.Combine(fixture.Paths.DataDir, "snapshot.qcow2");
        await driver.SnapshotAsync(uuid, snapshot);
        output.WriteLine($"snapshot {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(PowerState.Running, driver.GetPowerState(uuid));
        var second = QemuEndToEnd.GuestRequest(fixture, testGuest, token) with { Image = new ImageFile($"snapshot-{uuid:N}", snapshot, "qcow2"), SwapMiB = 0 };
        await driver.SpawnAsync(second);
        var secondConsole = await ConsoleWaiter.WaitForAsync(driver, second.Uuid, t => t.Contains(TestGuest.ReadyMarker), "ready marker on the snapshot's guest");
        Assert.Contains($"\"uuid\":\"{second.Uuid}\"", secondConsole);

        // Destroy leaves no domain and no instance files; the volume is the caller's to keep or delete.
        await driver.DestroyAsync(second.Uuid);
        await driver.DestroyAsync(uuid);
        Assert.DoesNotContain(driver.ListGuests(), g => g.Uuid == uuid || g.Uuid == second.Uuid);
        Assert.False(Directory.Exists(fixture.Paths.InstanceDir(uuid)));
        Assert.False(Directory.Exists(fixture.Paths.InstanceDir(second.Uuid)));
        Assert.True(File.Exists(volume));

        // libvirt's events come through its event loop, after the call that caused them returns: wait for the last one.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            lock (transitions)
            {
                if (transitions.Contains(LifecycleTransition.Undefined))
                {
                    break;
                }
            }

            await Task.Delay(50);
        }

        lock (transitions)
        {
            Assert.Contains(LifecycleTransition.Started, transitions);
            Assert.Contains(LifecycleTransition.Shutdown, transitions);
            Assert.Contains(LifecycleTransition.Suspended, transitions);
            Assert.Equal(LifecycleTransition.Undefined, transitions[^1]);
        }
    }
}
