using System.Diagnostics;
using System.Security.Cryptography;
using Appliance.Benchmarks;
using Appliance.Core.Images;
using Appliance.Core.Store;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Cli;

/// <summary><c>appliance image import</c> run as a process on a data dir, read back through the store.</summary>
public sealed class ImageImportCommandTests
{
    private static Task<(int ExitCode, string Stdout, string Stderr)> Appliance(params string[] args) => ApplianceProcess.RunAsync(args);

    private static string Qcow2(string directory)
    {
        var path = Path.Combine(directory, "guest.qcow2");
        using var process = Process.Start(new ProcessStartInfo("qemu-img", ["create", "-f", "qcow2", path, "32M"]) { RedirectStandardOutput = true })!;
        process.WaitForExit();
        return path;
    }

    [Fact]
    public async Task Import_StoresAnActivePublicImage_WithTheFilesHashes()
    {
        using var dir = new TempDataDir();
        var file = Qcow2(dir.Path);
        var dataDir = Path.Combine(dir.Path, "data");

        var (exitCode, stdout, stderr) = await Appliance("image", "import", file, "--name", "test-guest", "--data-dir", dataDir);

        Assert.True(exitCode == 0, stderr);
        var sha512 = Convert.ToHexStringLower(SHA512.HashData(await File.ReadAllBytesAsync(file)));
        Assert.Contains($"sha512 {sha512}", stdout);
        var images = await new ImageRepository(new Database(Path.Combine(dataDir, "appliance.db"))).ListAsync(new ImageQuery());
        var image = Assert.Single(images);
        Assert.Equal(("test-guest", ImageStatus.Active, "qcow2", "bare", ImageVisibility.Public), (image.Name, image.Status, image.DiskFormat, image.ContainerFormat, image.Visibility));
        Assert.Equal(sha512, image.OsHashValue);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Import_OfAFormatLie_FailsWithOneLine()
    {
        using var dir = new TempDataDir();
        var file = Qcow2(dir.Path);

        var (exitCode, _, stderr) = await Appliance("image", "import", file, "--name", "liar", "--disk-format", "raw", "--data-dir", Path.Combine(dir.Path, "data"));

        Assert.Equal(1, exitCode);
        Assert.Matches(@"^appliance: Image [0-9a-f-]{36} was refused: the data is a qcow2 image, not raw$", stderr.TrimEnd());
    }

    [Fact]
    public async Task Import_WithAnUnknownKernel_FailsWithOneLine()
    {
        using var dir = new TempDataDir();
        var file = Qcow2(dir.Path);

        var (exitCode, _, stderr) = await Appliance("image", "import", file, "--name", "x", "--kernel-id", "no-such-image", "--data-dir", Path.Combine(dir.Path, "data"));

        Assert.Equal(1, exitCode);
        Assert.Equal("appliance: No image found with ID no-such-image", stderr.TrimEnd());
    }
}
