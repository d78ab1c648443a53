using System.Diagnostics;
using Appliance.Hypervisor;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Appliance.Tests.Hypervisor;
using Xunit.Abstractions;

namespace Appliance.Tests.EndToEnd;

/// <summary>Real QEMU: guests with no kernel_id/ramdisk_id boot through the BIOS, from an image overlay or from a volume.</summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class BootFromDiskEndToEndTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task BootableImage_BootsFromItsRootOverlay_AndFromAVolumeMadeOfIt()
    {
        var testGuest = await QemuEndToEnd.RequireGuestAsync(withDisk: true);
        using var fixture = QemuEndToEnd.Driver();
        var image = new ImageFile("e2e-bootable-disk", testGuest.Disk, "qcow2");
        var fromImage = QemuEndToEnd.GuestRequest(fixture, testGuest, "disk") with
        {
            Image = image,
            Kernel = null,
            Ramdisk = null,
            RootGiB = 1,
        };

        var cached = await new BaseImageCache(fixture.Paths).EnsureAsync(image.ImageId, image.Path, image.Format);
        var volumeId = $"vol-{Guid.NewGuid():N}"[..16];
        var volume = await new Volumes(fixture.Paths).CreateFromImageAsync(volumeId, cached, 64L << 20);
        var fromVolume = QemuEndToEnd.GuestRequest(fixture, testGuest, "volume") with
        {
            Image = null,
            Kernel = null,
            Ramdisk = null,
            Volumes = [new VolumeFile(volumeId, volume, Volumes.Format)],
        };

        foreach (var request in new[] { fromImage, fromVolume })
        {
            var watch = Stopwatch.StartNew();
            await fixture.Driver.SpawnAsync(request);
            var console = await ConsoleWaiter.WaitForAsync(fixture.Driver, request.Uuid, t => t.Contains(TestGuest.ReadyMarker), "ready marker");
            output.WriteLine($"{(request.Image is null ? "volume" : "image")} boot to ready {watch.Elapsed.TotalSeconds:F1} s");
            Assert.Contains($"\"uuid\":\"{request.Uuid}\"", console);
            Assert.Contains("guest: swap on vdb", console);
            if (request.Image is null)
            {
                // The boot volume is vda and carries its id as the disk serial.
                Assert.Contains($"guest: disk vda sectors={(64L << 20) / 512} serial={volumeId}", console);
            }
            Assert.Equal(PowerState.Running, fixture.Driver.GetPowerState(request.Uuid));
            await fixture.Driver.DestroyAsync(request.Uuid);
        }

        // Destroying the guest leaves the volume to its owner.
        Assert.True(File.Exists(volume));
    }
}
