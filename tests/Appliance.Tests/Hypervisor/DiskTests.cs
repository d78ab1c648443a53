using System.Text;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Processes;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Hypervisor;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DiskTests : IDisposable
{
    private readonly TempDataDir _dataDir = new();
    private readonly HypervisorPaths _paths;

    public DiskTests() => _paths = new HypervisorPaths(_dataDir.Path);

    public void Dispose() => _dataDir.Dispose();

    private string RawImage(int sizeMiB = 4)
    {
        var path = Path.Combine(_dataDir.Path, $"image-{Guid.NewGuid():N}.raw");
        using var file = File.Create(path);
        file.SetLength((long)sizeMiB << 20);
        file.Write("appliance test image"u8);
        return path;
    }

    [Fact]
    public async Task BaseImage_IsCopiedOnce_ThenFoundInTheCache()
    {
        var cache = new BaseImageCache(_paths);
        var first = await cache.EnsureAsync("image-1", RawImage(), "raw");
        Assert.False(first.WasCached);
        Assert.Equal(4L << 20, first.VirtualSizeBytes);
        Assert.StartsWith(_paths.BaseImages, first.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(first.Path));

        var second = await new BaseImageCache(_paths).EnsureAsync("image-1", "/nonexistent-source", "raw");
        Assert.True(second.WasCached);
        Assert.Equal(first.Path, second.Path);
        Assert.Empty(Directory.GetFiles(_paths.BaseImages, "*.part"));
    }

    [Fact]
    public async Task BaseImage_WithABackingFile_IsRefusedAndNotKept()
    {
        var overlay = Path.Combine(_dataDir.Path, "evil.qcow2");
        await QemuImg.CreateOverlayAsync(overlay, RawImage(), "raw", 4L << 20);
        var cache = new BaseImageCache(_paths);
        await Assert.ThrowsAsync<InvalidDiskImageException>(() => cache.EnsureAsync("evil", overlay, "qcow2"));
        Assert.False(File.Exists(cache.PathFor("evil")));
    }

    [Fact]
    public async Task RootOverlay_NamesItsBackingAndFormat_AndGrowsToTheFlavor()
    {
        var image = await new BaseImageCache(_paths).EnsureAsync("image-2", RawImage(), "raw");
        var root = Path.Combine(_dataDir.Path, "disk");
        await new RootOverlays(_paths).CreateAsync(root, image, 1L << 30);
        var info = await QemuImg.InfoAsync(root, "qcow2");
        Assert.Equal(("qcow2", 1L << 30, image.Path), (info.Format, info.VirtualSizeBytes, info.BackingFile));
        var json = await HostCommand.RunAsync("qemu-img", ["info", "-f", "qcow2", "--output=json", root]);
        Assert.Contains("\"backing-filename-format\": \"raw\"", json);
    }

    [Fact]
    public async Task RootOverlay_WrittenFromItsTemplate_IsTheFileQemuImgMakes_AndEachSizeHasItsOwn()
    {
        var image = await new BaseImageCache(_paths).EnsureAsync("image-5", RawImage(), "raw");
        var overlays = new RootOverlays(_paths);
        var (first, second, larger) = (Path.Combine(_dataDir.Path, "first"), Path.Combine(_dataDir.Path, "second"), Path.Combine(_dataDir.Path, "larger"));
        await overlays.CreateAsync(first, image, 1L << 30);
        await overlays.CreateAsync(second, image, 1L << 30);
        await overlays.CreateAsync(larger, image, 2L << 30);

        var byQemuImg = Path.Combine(_dataDir.Path, "by-qemu-img");
        await QemuImg.CreateOverlayAsync(byQemuImg, image.Path, "raw", 1L << 30);
        Assert.Equal(await File.ReadAllBytesAsync(byQemuImg), await File.ReadAllBytesAsync(second));
        Assert.Equal(1L << 30, (await QemuImg.InfoAsync(second, "qcow2")).VirtualSizeBytes);
        Assert.Equal((2L << 30, image.Path), ((await QemuImg.InfoAsync(larger, "qcow2")).VirtualSizeBytes, (await QemuImg.InfoAsync(larger, "qcow2")).BackingFile));
        Assert.Empty(Directory.GetFiles(_paths.BaseImages, "*.part"));
    }

    [Fact]
    public async Task RootOverlay_SmallerThanTheImage_IsRefused()
    {
        var image = await new BaseImageCache(_paths).EnsureAsync("image-3", RawImage(8), "raw");
        await Assert.ThrowsAsync<InvalidDiskImageException>(() => new RootOverlays(_paths).CreateAsync(Path.Combine(_dataDir.Path, "disk"), image, 4L << 20));
    }

    [Fact]
    public async Task Swap_IsRawWithASwapSignature()
    {
        var swap = Path.Combine(_dataDir.Path, "disk.swap");
        await LocalDisks.CreateSwapAsync(swap, 16);
        Assert.Equal(16L << 20, new FileInfo(swap).Length);
        // mkswap writes its magic at the end of the first page.
        var page = new byte[Environment.SystemPageSize];
        await using (var file = File.OpenRead(swap))
        {
            await file.ReadExactlyAsync(page);
        }

        Assert.Equal("SWAPSPACE2", Encoding.ASCII.GetString(page, page.Length - 10, 10));
    }

    [Fact]
    public async Task Ephemeral_IsExt4LabelledEphemeral0()
    {
        var ephemeral = Path.Combine(_dataDir.Path, "disk.local");
        await LocalDisks.CreateEphemeralAsync(ephemeral, 1);
        Assert.Equal(1L << 30, new FileInfo(ephemeral).Length);
        Assert.Equal("ephemeral0", (await HostCommand.RunAsync("e2label", [ephemeral])).Trim());
    }

    [Fact]
    public async Task Volume_FromImage_IsAStandaloneQcow2()
    {
        var image = await new BaseImageCache(_paths).EnsureAsync("image-4", RawImage(), "raw");
        var volumes = new Volumes(_paths);
        var path = await volumes.CreateFromImageAsync("vol-1", image, 64L << 20);
        var info = await QemuImg.InfoAsync(path, "qcow2");
        Assert.Equal(("qcow2", 64L << 20, (string?)null), (info.Format, info.VirtualSizeBytes, info.BackingFile));
        await Assert.ThrowsAsync<IOException>(() => volumes.CreateBlankAsync("vol-1", 1 << 20));
        Assert.Throws<ArgumentException>(() => volumes.CreateBlankAsync("../x", 1 << 20).GetAwaiter().GetResult());
    }

    [Fact]
    public void Volume_DeleteOfOneNeverMade_IsNotAnError_EvenWithoutAVolumesDir()
    {
        var volumes = new Volumes(_paths);
        Assert.False(Directory.Exists(_paths.Volumes));

        volumes.Delete("never-made");
    }

    [Fact]
    public async Task QemuImg_RunsUnderPrlimit_SoAFailureNamesIt()
    {
        var error = await Assert.ThrowsAsync<HostCommandException>(() => QemuImg.InfoAsync("/nonexistent.img", "raw"));
        Assert.StartsWith("prlimit --as=1073741824 --cpu=30 -- qemu-img info -f raw", error.Command);
    }
}
