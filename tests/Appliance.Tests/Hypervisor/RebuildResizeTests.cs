using Appliance.Hypervisor;
using Appliance.Hypervisor.Config;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;

namespace Appliance.Tests.Hypervisor;

[Collection(LibvirtCollection.Name)]
public sealed class RebuildResizeTests
{
    private static readonly DriverOptions s_fast = new() { PollInterval = TimeSpan.FromMilliseconds(20) };

    [SkippableFact]
    public async Task Resize_GrowsRoot_AddsEphemeral_RemakesSwap_AndRedefines()
    {
        LibvirtAvailability.RequireLibrary();
        using var fixture = new DriverFixture(LibvirtAvailability.TestUri, s_fast);
        var request = fixture.Request() with { EphemeralGiB = 0, SwapMiB = 16 };
        await fixture.Driver.SpawnAsync(request);
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
    public async Task Resize_ToASmallerRoot_IsRefused()
    {
        LibvirtAvailability.RequireLibrary();
        using var fixture = new DriverFixture(LibvirtAvailability.TestUri, s_fast);
        var request = fixture.Request() with { RootGiB = 2, EphemeralGiB = 0 };
        await fixture.Driver.SpawnAsync(request);
        await Assert.ThrowsAsync<InvalidDiskImageException>(
            () => fixture.Driver.ResizeAsync(request.Uuid, new FlavorSize(64, 1, RootGiB: 1, SwapMiB: 16, EphemeralGiB: 0)));
        Assert.Equal(2L << 30, (await QemuImg.InfoAsync(fixture.Paths.RootDisk(request.Uuid), "qcow2")).VirtualSizeBytes);
    }

    [SkippableFact]
    public async Task Rebuild_PutsANewImageUnderTheRoot_AndANewConfigDrive()
    {
        LibvirtAvailability.RequireLibrary();
        using var fixture = new DriverFixture(LibvirtAvailability.TestUri, s_fast);
        var request = fixture.Request() with { EphemeralGiB = 0 };
        await fixture.Driver.SpawnAsync(request);

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
