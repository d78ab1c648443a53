using System.Diagnostics;
using System.Security.Cryptography;
using Appliance.Benchmarks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;

namespace Appliance.Tests.EndToEnd;

/// <summary>`openstack image ...` from Debian's CLI against the real appliance process.</summary>
[Trait("Tier", "e2e")]
public sealed class ImageCliTests
{
    [Fact]
    public async Task OpenStackCli_CreatesListsShowsSetsAndDeletesAnImage()
    {
        OpenStackCli.AssertInstalled();
        using var dir = new TempDataDir();
        var dataDir = Path.Combine(dir.Path, "data");
        await using var appliance = await ApplianceProcess.ServeAsync(dataDir);
        var cli = new OpenStackCli(IdentityClient.ReadOpenRc(dataDir));
        var file = Path.Combine(dir.Path, "disk.qcow2");
        using (var qemuImg = Process.Start(new ProcessStartInfo("qemu-img", ["create", "-f", "qcow2", file, "64M"]) { RedirectStandardOutput = true })!)
        {
            await qemuImg.WaitForExitAsync();
            Assert.Equal(0, qemuImg.ExitCode);
        }

        var created = await cli.JsonAsync("image", "create", "--file", file, "--disk-format", "qcow2", "--container-format", "bare", "disk1");
        var id = created.GetProperty("id").GetString()!;

        var list = await cli.JsonAsync("image", "list");
        var row = Assert.Single(list.EnumerateArray());
        Assert.Equal((id, "disk1", "active"), (row.GetProperty("ID").GetString(), row.GetProperty("Name").GetString(), row.GetProperty("Status").GetString()));

        var shown = await cli.JsonAsync("image", "show", "disk1");
        var bytes = await File.ReadAllBytesAsync(file);
        Assert.Equal(bytes.Length, shown.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), shown.GetProperty("checksum").GetString());
        var stored = Path.Combine(dataDir, "images", id);
        Assert.Equal(Sha512Sum(file), Sha512Sum(stored));
        Assert.Equal(Sha512Sum(file), shown.GetProperty("properties").GetProperty("os_hash_value").GetString());

        await cli.OkAsync("image", "set", "--property", "os_distro=debian", "disk1");
        var updated = await cli.JsonAsync("image", "show", "disk1");
        Assert.Equal("debian", updated.GetProperty("properties").GetProperty("os_distro").GetString());

        await cli.OkAsync("image", "delete", "disk1");
        Assert.Equal(0, (await cli.JsonAsync("image", "list")).GetArrayLength());
        Assert.False(File.Exists(stored));
        var (exitCode, _, stderr) = await cli.RunAsync("image", "show", id);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("No Image found", stderr, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The real sha512sum tool's answer, so the check does not trust our own hashing code.</summary>
    private static string Sha512Sum(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("sha512sum", [path]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split(' ')[0];
    }
}
