using Appliance.Hypervisor;
using Appliance.Hypervisor.Config;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Interop;

namespace Appliance.Tests.Hypervisor;

[Collection(LibvirtCollection.Name)]
public sealed class LibvirtComputeDriverTests
{
    [SkippableFact]
    public async Task Spawn_CreatesNovasFilesAndStartsTheGuest_DestroyRemovesBoth()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = fixture.Request();
        var uuid = request.Uuid;

        var report = await fixture.Driver.SpawnAsync(request);

        Assert.Equal(
            [SpawnPhases.BaseImage, SpawnPhases.RootDisk, SpawnPhases.BootFiles, SpawnPhases.Ephemeral, SpawnPhases.Swap, SpawnPhases.ConfigDrive, SpawnPhases.Define, SpawnPhases.Start],
            report.Phases.Select(p => p.Name));
        Assert.False(report.BaseImageWasCached);
        Assert.All(
            new[] { "disk", "disk.local", "disk.swap", "disk.config", "kernel", "ramdisk" },
            f => Assert.True(File.Exists(Path.Combine(fixture.Paths.InstanceDir(uuid), f)), f));
        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(uuid));
        Assert.Contains(fixture.Driver.ListGuests(), g => g.Uuid == uuid && g.PowerState == PowerState.Running);

        using (var guest = fixture.Host.Get(uuid))
        {
            var config = GuestConfigReader.FromXml(guest.XmlDesc());
            Assert.Equal(["vda", "vdb", "vdc", "hdd"], config.Disks.Select(d => d.TargetDev));
            Assert.Equal(fixture.Paths.Kernel(uuid), config.Os.Kernel);
            Assert.Equal(fixture.Paths.ConsoleLog(uuid), config.SerialLogPath);
        }

        await fixture.Driver.DestroyAsync(uuid);
        Assert.DoesNotContain(fixture.Driver.ListGuests(), g => g.Uuid == uuid);
        Assert.False(Directory.Exists(fixture.Paths.InstanceDir(uuid)));
    }

    [SkippableFact]
    public async Task SecondSpawnOfTheSameImage_HitsTheBaseCache()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var first = fixture.Request();
        var second = fixture.Request() with { Image = first.Image, ConfigDrive = null, Kernel = null, Ramdisk = null };
        Assert.False((await fixture.Driver.SpawnAsync(first)).BaseImageWasCached);
        var report = await fixture.Driver.SpawnAsync(second);
        Assert.True(report.BaseImageWasCached);
        Assert.DoesNotContain(report.Phases, p => p.Name == SpawnPhases.ConfigDrive);
    }

    [SkippableFact]
    public async Task FailedSpawn_LeavesNoDomainAndNoFiles()
    {
        using var fixture = DriverFixture.OnTestDriver();
        // A root smaller than the image fails after the instance dir and base image exist.
        var request = fixture.Request() with { Image = fixture.Image("big", 2048), RootGiB = 1 };
        await Assert.ThrowsAsync<Appliance.Hypervisor.Disks.InvalidDiskImageException>(() => fixture.Driver.SpawnAsync(request));
        Assert.False(Directory.Exists(fixture.Paths.InstanceDir(request.Uuid)));
        Assert.DoesNotContain(fixture.Driver.ListGuests(), g => g.Uuid == request.Uuid);
    }

    [SkippableFact]
    public async Task SpawningAnExistingUuid_IsRefused_AndKeepsTheFirstGuest()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = fixture.Request();
        await fixture.Driver.SpawnAsync(request);
        await Assert.ThrowsAsync<HypervisorOperationException>(() => fixture.Driver.SpawnAsync(request));
        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(request.Uuid));
        Assert.True(File.Exists(fixture.Paths.RootDisk(request.Uuid)));
    }

    [SkippableFact]
    public async Task PowerOperations_MoveThePowerState()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var uuid = (await Spawn(fixture)).Uuid;
        var driver = fixture.Driver;

        await driver.PowerOffAsync(uuid);
        Assert.Equal(PowerState.Shutdown, driver.GetPowerState(uuid));
        await driver.PowerOnAsync(uuid);
        Assert.Equal(PowerState.Running, driver.GetPowerState(uuid));
        await driver.PauseAsync(uuid);
        Assert.Equal(PowerState.Paused, driver.GetPowerState(uuid));
        await driver.UnpauseAsync(uuid);
        Assert.Equal(PowerState.Running, driver.GetPowerState(uuid));

        await driver.SuspendAsync(uuid);
        Assert.Equal(PowerState.Shutdown, driver.GetPowerState(uuid));
        using (var guest = fixture.Host.Get(uuid))
        {
            Assert.True(guest.HasManagedSave());
        }

        await driver.ResumeAsync(uuid);
        Assert.Equal(PowerState.Running, driver.GetPowerState(uuid));

        Assert.Equal(RebootKind.Soft, await driver.RebootAsync(uuid, RebootKind.Soft));
        Assert.Equal(PowerState.Running, driver.GetPowerState(uuid));
        Assert.Equal(RebootKind.Hard, await driver.RebootAsync(uuid, RebootKind.Hard));
        Assert.Equal(PowerState.Running, driver.GetPowerState(uuid));
    }

    [SkippableFact]
    public async Task SoftRebootOfAStoppedGuest_IsAHardReboot()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var uuid = (await Spawn(fixture)).Uuid;
        await fixture.Driver.PowerOffAsync(uuid);
        Assert.Equal(RebootKind.Hard, await fixture.Driver.RebootAsync(uuid, RebootKind.Soft));
        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(uuid));
    }

    [SkippableFact]
    public async Task UnknownInstance_IsInstanceNotFound()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var missing = Guid.NewGuid();
        Assert.Equal(missing, (await Assert.ThrowsAsync<InstanceNotFoundException>(() => fixture.Driver.PowerOnAsync(missing))).Uuid);
        Assert.Throws<InstanceNotFoundException>(() => fixture.Driver.GetPowerState(missing));
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => fixture.Driver.GetConsoleOutputAsync(missing));
        // Destroy is idempotent: nothing there is already the wanted end state.
        await fixture.Driver.DestroyAsync(missing);
    }

    [SkippableFact]
    public async Task ConsoleOutput_IsTheTailOfTheSerialLog()
    {
        using var fixture = DriverFixture.OnTestDriver(DriverFixture.Fast with { MaxConsoleBytes = 16 });
        var uuid = (await Spawn(fixture)).Uuid;
        Assert.Equal("", await fixture.Driver.GetConsoleOutputAsync(uuid));
        await File.WriteAllTextAsync(fixture.Paths.ConsoleLog(uuid), "boot\nline one\nline two\n");
        Assert.Equal("ne one\nline two\n", await fixture.Driver.GetConsoleOutputAsync(uuid));
        Assert.Equal("line two\n", await fixture.Driver.GetConsoleOutputAsync(uuid, maxLines: 1));
    }

    [SkippableFact]
    public async Task Snapshot_IsAStandaloneQcow2_AndTheGuestKeepsRunning()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var uuid = (await Spawn(fixture)).Uuid;
        var target = Path.Combine(fixture.Paths.DataDir, "snap.qcow2");
        await fixture.Driver.SnapshotAsync(uuid, target);
        var info = await Appliance.Hypervisor.Disks.QemuImg.InfoAsync(target, "qcow2");
        Assert.Equal(("qcow2", 1L << 30, (string?)null), (info.Format, info.VirtualSizeBytes, info.BackingFile));
        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(uuid));
        Assert.False(File.Exists(target + ".part"));
    }

    [SkippableFact]
    public async Task SetAdminPassword_GoesThroughLibvirt()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var uuid = (await Spawn(fixture)).Uuid;
        // The test driver pretends to have an agent; the real "no agent" error is covered end to end.
        await fixture.Driver.SetAdminPasswordAsync(uuid, "root", "n3w");
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => fixture.Driver.SetAdminPasswordAsync(Guid.NewGuid(), "root", "x"));
    }

    [SkippableFact]
    public async Task VolumeAttach_AnUnsupportedCall_IsADriverError_AndDetachOfAnUnknownVolumeToo()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var uuid = (await Spawn(fixture)).Uuid;
        // The test driver has no device attach; the real attach is covered end to end.
        var error = await Assert.ThrowsAsync<HypervisorOperationException>(
            () => fixture.Driver.AttachVolumeAsync(uuid, new VolumeFile("vol-x", "/nonexistent", "qcow2")));
        Assert.IsType<Appliance.Hypervisor.LibvirtException>(error.InnerException);
        await Assert.ThrowsAsync<HypervisorOperationException>(() => fixture.Driver.DetachVolumeAsync(uuid, "vol-x"));
    }

    [SkippableFact]
    public async Task LifecycleEvents_ReportSpawnAndDestroy()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = fixture.Request();
        var events = new List<LifecycleTransition>();
        var undefined = new TaskCompletionSource();
        fixture.Driver.LifecycleChanged += e =>
        {
            if (e.InstanceUuid != request.Uuid)
            {
                return;
            }

            lock (events)
            {
                events.Add(e.Transition);
            }

            if (e.Transition == LifecycleTransition.Undefined)
            {
                undefined.TrySetResult();
            }
        };

        await fixture.Driver.SpawnAsync(request);
        await fixture.Driver.DestroyAsync(request.Uuid);
        await undefined.Task.WaitAsync(TimeSpan.FromSeconds(10));
        lock (events)
        {
            Assert.Equal([LifecycleTransition.Defined, LifecycleTransition.Started, LifecycleTransition.Stopped, LifecycleTransition.Undefined], events);
        }
    }

    [SkippableFact]
    public void HostCapacity_ReportsCpusMemoryAndDataDirDisk()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var capacity = fixture.Driver.GetHostCapacity();
        Assert.True(capacity.VCpus > 0);
        Assert.True(capacity.MemoryMiB > 0);
        Assert.True(capacity.DiskTotalGiB >= capacity.DiskFreeGiB);
        Assert.True(capacity.DiskTotalGiB > 0);
    }

    [SkippableFact]
    public async Task AFullLifecycle_LeavesNoLibvirtHandlesBehind()
    {
        LibvirtAvailability.RequireLibrary();
        var domains = LibvirtDomainHandle.Live;
        var connections = LibvirtConnectionHandle.Live;
        var registrations = Appliance.Hypervisor.Host.LibvirtHost.LiveEventRegistrations;
        using (var fixture = new DriverFixture(LibvirtAvailability.TestUri, DriverFixture.Fast))
        {
            var uuid = (await Spawn(fixture)).Uuid;
            fixture.Driver.ListGuests();
            await fixture.Driver.RebootAsync(uuid, RebootKind.Soft);
            await fixture.Driver.SuspendAsync(uuid);
            await fixture.Driver.ResumeAsync(uuid);
            await fixture.Driver.SnapshotAsync(uuid, Path.Combine(fixture.Paths.DataDir, "s.qcow2"));
            await fixture.Driver.GetConsoleOutputAsync(uuid);
            await Assert.ThrowsAsync<InstanceNotFoundException>(() => fixture.Driver.PauseAsync(Guid.NewGuid()));
            await fixture.Driver.DestroyAsync(uuid);
            Assert.Equal(domains, LibvirtDomainHandle.Live);
        }

        Assert.Equal(domains, LibvirtDomainHandle.Live);
        Assert.Equal(connections, LibvirtConnectionHandle.Live);
        // libvirt releases the event callback's opaque pointer from its event thread, some time after close: usually within
        // milliseconds, later on a busy machine, so the wait is for the count, with room.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Appliance.Hypervisor.Host.LibvirtHost.LiveEventRegistrations != registrations && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(registrations, Appliance.Hypervisor.Host.LibvirtHost.LiveEventRegistrations);
    }

    private static Task<SpawnRequest> Spawn(DriverFixture fixture) => fixture.SpawnAsync(r => r with { EphemeralGiB = 0 });
}
