using Appliance.Hypervisor;
using Appliance.Hypervisor.Config;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;

namespace Appliance.Tests.Hypervisor;

[Collection(LibvirtCollection.Name)]
public sealed class RebuildResizeTests
{
    [SkippableFact]
    public async Task Resize_GrowsRoot_AddsEphemeral_RemakesSwap_AndRedefines()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = await fixture.SpawnAsync(r => r with { EphemeralGiB = 0, SwapMiB = 16 });
        var uuid = request.Uuid;

        await fixture.Driver.ResizeAsync(uuid, new FlavorSize(MemoryMiB: 128, VCpus: 2, RootGiB: 2, SwapMiB: 32, EphemeralGiB: 1));

        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(uuid));
        Assert.Equal(2L << 30, (await QemuImg.InfoAsync(fixture.Paths.RootDisk(uuid), "qcow2")).VirtualSizeBytes);
        Assert.Equal(32L << 20, new FileInfo(fixture.Paths.SwapDisk(uuid)).Length);
        Assert.Equal(1L << 30, new FileInfo(fixture.Paths.EphemeralDisk(uuid)).Length);
        using var guest = fixture.Host.Get(uuid);
        var config = GuestConfigReader.FromXml(guest.XmlDesc());
        Assert.Equal((128, 2), (config.MemoryMiB, config.VCpus));
        Assert.Equal(
            [fixture.Paths.RootDisk(uuid), fixture.Paths.EphemeralDisk(uuid), fixture.Paths.SwapDisk(uuid), fixture.Paths.ConfigDrive(uuid)],
            config.Disks.Select(d => d.SourceFile));
        Assert.Equal(["vda", "vdb", "vdc", "hdd"], config.Disks.Select(d => d.TargetDev));
        Assert.Single(config.Disks[0].BackingChain);
    }

    [SkippableFact]
    public async Task Resize_ToASmallerRoot_IsRefused_BeforeTheGuestIsTouched()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = await fixture.SpawnAsync(r => r with { RootGiB = 2, EphemeralGiB = 0 });
        await Assert.ThrowsAsync<InvalidDiskImageException>(
            () => fixture.Driver.ResizeAsync(request.Uuid, new FlavorSize(64, 1, RootGiB: 1, SwapMiB: 16, EphemeralGiB: 0)));
        Assert.Equal(2L << 30, (await QemuImg.InfoAsync(fixture.Paths.RootDisk(request.Uuid), "qcow2")).VirtualSizeBytes);
        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(request.Uuid));
        Assert.False(Directory.Exists(fixture.Paths.ResizeKeptDir(request.Uuid)));
    }

    [SkippableFact]
    public async Task Resize_KeepsTheOldDirAndDefinition_ConfirmDropsThem()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = await fixture.SpawnAsync(r => r with { EphemeralGiB = 1, SwapMiB = 16 });
        var uuid = request.Uuid;

        var phases = await fixture.Driver.ResizeAsync(uuid, new FlavorSize(MemoryMiB: 128, VCpus: 2, RootGiB: 2, SwapMiB: 32, EphemeralGiB: 2));

        Assert.Equal([ResizePhases.PowerOff, ResizePhases.KeepOldDisks, ResizePhases.Disks, SpawnPhases.Define, SpawnPhases.Start], phases.Select(p => p.Name));
        var kept = fixture.Paths.ResizeKeptDir(uuid);
        Assert.Equal(1L << 30, (await QemuImg.InfoAsync(Path.Combine(kept, "disk"), "qcow2")).VirtualSizeBytes);
        Assert.Equal(1L << 30, new FileInfo(Path.Combine(kept, "disk.local")).Length);
        // The kept ephemeral disk is as sparse as the original: a 1 GiB disk of which ext4 wrote a little.
        Assert.True(new FileInfo(Path.Combine(kept, "disk.local")).Length > 0);
        Assert.True(AllocatedBytes(Path.Combine(kept, "disk.local")) < 256L << 20, "the copy of a sparse disk stays sparse");
        Assert.Equal(64, GuestConfigReader.FromXml(File.ReadAllText(HypervisorPaths.KeptDomainXml(kept))).MemoryMiB);
        Assert.Equal(2L << 30, new FileInfo(fixture.Paths.EphemeralDisk(uuid)).Length);

        await fixture.Driver.ConfirmResizeAsync(uuid);
        Assert.False(Directory.Exists(kept));
        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(uuid));
        Assert.Equal(2L << 30, (await QemuImg.InfoAsync(fixture.Paths.RootDisk(uuid), "qcow2")).VirtualSizeBytes);
    }

    [SkippableFact]
    public async Task Revert_PutsBackTheOldDisksAndDefinition_AndStartsTheGuestWhenAsked()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = await fixture.SpawnAsync(r => r with { EphemeralGiB = 0, SwapMiB = 16 });
        var uuid = request.Uuid;
        string before;
        using (var guest = fixture.Host.Get(uuid))
        {
            before = guest.XmlDesc();
        }

        await fixture.Driver.ResizeAsync(uuid, new FlavorSize(MemoryMiB: 128, VCpus: 2, RootGiB: 3, SwapMiB: 64, EphemeralGiB: 1));
        Assert.True(await fixture.Driver.RevertResizeAsync(uuid, powerOn: true));

        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(uuid));
        Assert.Equal(1L << 30, (await QemuImg.InfoAsync(fixture.Paths.RootDisk(uuid), "qcow2")).VirtualSizeBytes);
        Assert.Equal(16L << 20, new FileInfo(fixture.Paths.SwapDisk(uuid)).Length);
        Assert.False(File.Exists(fixture.Paths.EphemeralDisk(uuid)));
        Assert.False(Directory.Exists(fixture.Paths.ResizeKeptDir(uuid)));
        Assert.False(File.Exists(HypervisorPaths.KeptDomainXml(fixture.Paths.InstanceDir(uuid))));
        using (var guest = fixture.Host.Get(uuid))
        {
            var config = GuestConfigReader.FromXml(guest.XmlDesc());
            Assert.Equal((64, 1), (config.MemoryMiB, config.VCpus));
            Assert.Equal(GuestConfigReader.FromXml(before).Disks.Select(d => d.SourceFile), config.Disks.Select(d => d.SourceFile));
        }

        // A stopped guest stays stopped after its revert; nothing kept any more is reported, not invented.
        await fixture.Driver.PowerOffAsync(uuid);
        await fixture.Driver.ResizeAsync(uuid, new FlavorSize(MemoryMiB: 96, VCpus: 1, RootGiB: 1, SwapMiB: 16, EphemeralGiB: 0));
        Assert.Equal(PowerState.Shutdown, fixture.Driver.GetPowerState(uuid));
        Assert.True(await fixture.Driver.RevertResizeAsync(uuid, powerOn: false));
        Assert.Equal(PowerState.Shutdown, fixture.Driver.GetPowerState(uuid));
        Assert.False(await fixture.Driver.RevertResizeAsync(uuid, powerOn: false));
    }

    [SkippableFact]
    public async Task Revert_AfterACrashCutItShort_CompletesWhenRunAgain()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = await fixture.SpawnAsync(r => r with { EphemeralGiB = 0 });
        var uuid = request.Uuid;
        await fixture.Driver.ResizeAsync(uuid, new FlavorSize(MemoryMiB: 128, VCpus: 2, RootGiB: 2, SwapMiB: 16, EphemeralGiB: 0));

        // What a kill between putting the dir back and defining the guest leaves: the kept dir in place, its definition in it.
        Directory.Delete(fixture.Paths.InstanceDir(uuid), recursive: true);
        Directory.Move(fixture.Paths.ResizeKeptDir(uuid), fixture.Paths.InstanceDir(uuid));

        Assert.True(await fixture.Driver.RevertResizeAsync(uuid, powerOn: true));
        using var guest = fixture.Host.Get(uuid);
        Assert.Equal(64, GuestConfigReader.FromXml(guest.XmlDesc()).MemoryMiB);
        Assert.Equal(1L << 30, (await QemuImg.InfoAsync(fixture.Paths.RootDisk(uuid), "qcow2")).VirtualSizeBytes);
    }

    [SkippableFact]
    public async Task Destroy_AlsoRemovesWhatAResizeKept()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = await fixture.SpawnAsync(r => r with { EphemeralGiB = 0 });
        await fixture.Driver.ResizeAsync(request.Uuid, new FlavorSize(MemoryMiB: 128, VCpus: 1, RootGiB: 2, SwapMiB: 16, EphemeralGiB: 0));
        Directory.CreateDirectory(fixture.Paths.ResizeKeptPartialDir(request.Uuid));

        await fixture.Driver.DestroyAsync(request.Uuid);

        Assert.False(Directory.Exists(fixture.Paths.ResizeKeptDir(request.Uuid)));
        Assert.False(Directory.Exists(fixture.Paths.ResizeKeptPartialDir(request.Uuid)));
    }

    [SkippableFact]
    public async Task Rebuild_WithPreserveEphemeral_KeepsItsBytes_WithoutIt_MakesItAnew()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = await fixture.SpawnAsync(r => r with { EphemeralGiB = 1 });
        var ephemeral = fixture.Paths.EphemeralDisk(request.Uuid);
        byte[] marker = "user data on the ephemeral disk"u8.ToArray();
        WriteAt(ephemeral, 512L << 20, marker);

        await fixture.Driver.RebuildAsync(request with { Image = fixture.Image("rebuild-keep", 8) }, preserveEphemeral: true);
        Assert.Equal(marker, ReadAt(ephemeral, 512L << 20, marker.Length));
        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(request.Uuid));

        await fixture.Driver.RebuildAsync(request with { Image = fixture.Image("rebuild-wipe", 8) });
        Assert.NotEqual(marker, ReadAt(ephemeral, 512L << 20, marker.Length));
        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(request.Uuid));
    }

    [SkippableFact]
    public async Task Rebuild_OfAGuestThatNoLongerExists_SpawnsIt()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = await fixture.SpawnAsync(r => r with { EphemeralGiB = 0 });
        using (var guest = fixture.Host.Get(request.Uuid))
        {
            guest.Destroy();
            guest.Undefine();
        }

        await fixture.Driver.RebuildAsync(request);
        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(request.Uuid));
    }

    private static void WriteAt(string path, long offset, byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Position = offset;
        file.Write(bytes);
    }

    private static byte[] ReadAt(string path, long offset, int length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read);
        file.Position = offset;
        var bytes = new byte[length];
        file.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Bytes the file takes on disk (du), not its apparent length.</summary>
    private static long AllocatedBytes(string path) =>
        long.Parse(Appliance.Hypervisor.Processes.HostCommand.RunAsync("du", ["--block-size=1", path]).GetAwaiter().GetResult().Split('\t')[0],
            System.Globalization.CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Rebuild_PutsANewImageUnderTheRoot_AndANewConfigDrive()
    {
        using var fixture = DriverFixture.OnTestDriver();
        var request = await fixture.SpawnAsync(r => r with { EphemeralGiB = 0 });

        var rebuilt = request with
        {
            Image = fixture.Image("rebuild-image", 8),
            ConfigDrive = request.ConfigDrive! with { Hostname = "rebuilt" },
        };
        await fixture.Driver.RebuildAsync(rebuilt);

        Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(request.Uuid));
        var root = await QemuImg.InfoAsync(fixture.Paths.RootDisk(request.Uuid), "qcow2");
        Assert.Equal(new BaseImageCache(fixture.Paths).PathFor("rebuild-image"), root.BackingFile);
        var metaData = await Appliance.Hypervisor.Processes.HostCommand.RunAsync(
            "isoinfo", ["-i", fixture.Paths.ConfigDrive(request.Uuid), "-R", "-x", "/openstack/latest/meta_data.json"]);
        Assert.Contains("\"hostname\":\"rebuilt\"", metaData);
    }
}
