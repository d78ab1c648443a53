using System.Diagnostics;
using System.Security.Cryptography;
using Appliance.Core;
using Appliance.Core.Configuration;
using Appliance.Core.Images;
using Appliance.Core.Store;
using Appliance.Hypervisor.Images;
using Appliance.Tests.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Tests.Images;

/// <summary>Hostile uploads (OSSA history) against the real store, real files and real qemu-img.</summary>
public sealed class ImageUploadAttackTests : IAsyncLifetime
{
    private readonly TempStore _dir = new();
    private readonly ImageCaller _caller = new("project-a", IsAdmin: false);
    private ImageService _service = null!;
    private ImageRepository _repository = null!;
    private DataPaths _paths = null!;

    public async Task InitializeAsync()
    {
        _paths = new DataPaths(Path.Combine(_dir.Path, "data"));
        Directory.CreateDirectory(_paths.Root);
        var options = new ApplianceOptions { DataDir = _paths.Root, Images = { MaxVirtualSizeBytes = 1L << 30, ProjectQuotaBytes = 8L << 20 } };
        var database = new Database(_paths.Database);
        await TempStore.MigratorFor(database).MigrateAsync();
        _repository = new ImageRepository(database);
        var uploader = new ImageUploader(_repository, _paths, options, new ImageInspector(), NullLogger<ImageUploader>.Instance);
        _service = new ImageService(_repository, uploader, _paths, NullLogger<ImageService>.Instance);
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private string Scratch(string name) => Path.Combine(_dir.Path, name);

    private static void QemuImg(params string[] args)
    {
        var start = new ProcessStartInfo("qemu-img") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"qemu-img {string.Join(' ', args)}: {process.StandardError.ReadToEnd()}");
    }

    private async Task<(RequestRefusedException Error, ImageRecord After)> UploadRefused(string file, string diskFormat)
    {
        var image = await _service.CreateAsync(_caller, new NewImage { Name = "hostile", DiskFormat = diskFormat, ContainerFormat = "bare" });
        await using var data = File.OpenRead(file);
        var error = await Assert.ThrowsAnyAsync<RequestRefusedException>(() => _service.UploadAsync(_caller, image.Id, data));
        return (error, (await _repository.FindAsync(image.Id))!);
    }

    private void AssertNoImageFilesLeft() =>
        Assert.Empty(Directory.Exists(_paths.Images) ? Directory.GetFiles(_paths.Images) : []);

    [Fact]
    public async Task Qcow2WithABackingFile_IsRefused_AndKilled()
    {
        // -u: do not open the backing file; an attacker crafts the header without one.
        QemuImg("create", "-f", "qcow2", "-u", "-F", "raw", "-b", "/etc/passwd", Scratch("evil.qcow2"), "1M");

        var (error, after) = await UploadRefused(Scratch("evil.qcow2"), "qcow2");

        Assert.IsType<InvalidRequestException>(error);
        Assert.Equal($"Image {after.Id} was refused: it has a backing file", error.Message);
        Assert.Equal(ImageStatus.Killed, after.Status);
        AssertNoImageFilesLeft();
    }

    [Fact]
    public async Task Qcow2DeclaredRaw_IsRefused()
    {
        QemuImg("create", "-f", "qcow2", Scratch("disk.qcow2"), "1M");

        var (error, after) = await UploadRefused(Scratch("disk.qcow2"), "raw");

        Assert.Equal($"Image {after.Id} was refused: the data is a qcow2 image, not raw", error.Message);
        Assert.Equal(ImageStatus.Killed, after.Status);
        AssertNoImageFilesLeft();
    }

    [Fact]
    public async Task RawDeclaredQcow2_IsRefused()
    {
        await File.WriteAllBytesAsync(Scratch("disk.raw"), new byte[1 << 20]);

        var (error, after) = await UploadRefused(Scratch("disk.raw"), "qcow2");

        Assert.Equal($"Image {after.Id} was refused: the data is not a qcow2 image", error.Message);
        AssertNoImageFilesLeft();
    }

    [Fact]
    public async Task Qcow2WithAnExternalDataFile_IsRefused()
    {
        QemuImg("create", "-f", "qcow2", "-o", $"data_file={Scratch("data.raw")}", Scratch("split.qcow2"), "1M");

        var (error, after) = await UploadRefused(Scratch("split.qcow2"), "qcow2");

        Assert.Equal($"Image {after.Id} was refused: it has an external data file", error.Message);
        Assert.Equal(ImageStatus.Killed, after.Status);
        AssertNoImageFilesLeft();
    }

    [Fact]
    public async Task Qcow2WithAnOversizedVirtualSize_IsRefused()
    {
        QemuImg("create", "-f", "qcow2", Scratch("bomb.qcow2"), "2T");

        var (error, after) = await UploadRefused(Scratch("bomb.qcow2"), "qcow2");

        Assert.Equal($"Image {after.Id} was refused: its virtual size 2199023255552 bytes is over the limit of 1073741824 bytes", error.Message);
        AssertNoImageFilesLeft();
    }

    [Fact]
    public async Task UploadOverTheProjectQuota_IsRefused_AndTheImageCanBeRetried()
    {
        await File.WriteAllBytesAsync(Scratch("big.raw"), new byte[9 << 20]);

        var (error, after) = await UploadRefused(Scratch("big.raw"), "raw");

        Assert.IsType<OverQuotaException>(error);
        Assert.Equal(ImageStatus.Queued, after.Status);
        AssertNoImageFilesLeft();
    }

    [Fact]
    public async Task GoodQcow2_BecomesActive_WithHashesOfItsBytes()
    {
        QemuImg("create", "-f", "qcow2", Scratch("good.qcow2"), "64M");
        var bytes = await File.ReadAllBytesAsync(Scratch("good.qcow2"));
        var image = await _service.CreateAsync(_caller, new NewImage { Name = "good", DiskFormat = "qcow2", ContainerFormat = "bare" });

        await using var data = File.OpenRead(Scratch("good.qcow2"));
        var active = await _service.UploadAsync(_caller, image.Id, data);

        Assert.Equal(ImageStatus.Active, active.Status);
        Assert.Equal(bytes.Length, active.Size);
        Assert.Equal(64L << 20, active.VirtualSize);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), active.Checksum);
        Assert.Equal("sha512", active.OsHashAlgo);
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(bytes)), active.OsHashValue);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(_paths.ImageFile(image.Id)));
    }

    [Fact]
    public async Task SecondUploadToAnActiveImage_IsAConflict()
    {
        await File.WriteAllBytesAsync(Scratch("a.raw"), new byte[4096]);
        var image = await _service.CreateAsync(_caller, new NewImage { Name = "a", DiskFormat = "raw", ContainerFormat = "bare" });
        await using (var first = File.OpenRead(Scratch("a.raw")))
        {
            await _service.UploadAsync(_caller, image.Id, first);
        }

        await using var second = File.OpenRead(Scratch("a.raw"));
        await Assert.ThrowsAsync<ConflictException>(() => _service.UploadAsync(_caller, image.Id, second));
    }

    [Fact]
    public async Task UploadCutOffMidway_LeavesNoFile_AndRequeues()
    {
        var image = await _service.CreateAsync(_caller, new NewImage { Name = "cut", DiskFormat = "raw", ContainerFormat = "bare" });

        await Assert.ThrowsAsync<IOException>(() => _service.UploadAsync(_caller, image.Id, new BrokenStream(100_000)));

        Assert.Equal(ImageStatus.Queued, (await _repository.FindAsync(image.Id))!.Status);
        AssertNoImageFilesLeft();
    }

    [Fact]
    public void Sniffer_TellsFormatsByMagic()
    {
        var iso = new byte[FormatSniffer.HeaderBytes];
        "CD001"u8.CopyTo(iso.AsSpan(0x8001));

        Assert.Equal("iso", FormatSniffer.Sniff(iso));
        Assert.Equal("qcow2", FormatSniffer.Sniff([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]));
        Assert.Null(FormatSniffer.Sniff(new byte[4096]));
        Assert.True(FormatSniffer.Matches("raw", "iso"));
        Assert.False(FormatSniffer.Matches("raw", "vmdk"));
    }

    /// <summary>A client that sends some bytes and then drops the connection.</summary>
    private sealed class BrokenStream(int bytesBeforeFailure) : Stream
    {
        private int _sent;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_sent >= bytesBeforeFailure)
            {
                throw new IOException("connection reset");
            }

            var n = Math.Min(count, bytesBeforeFailure - _sent);
            _sent += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _sent; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
