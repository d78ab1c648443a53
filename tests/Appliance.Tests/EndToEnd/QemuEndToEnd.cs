using System.Diagnostics;
using System.Text;
using Appliance.Benchmarks;
using Appliance.Hypervisor.ConfigDrive;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;

namespace Appliance.Tests.EndToEnd;

/// <summary>
/// The end-to-end setup on real libvirtd + QEMU (qemu:///system) with the project's test guest, for every test that boots
/// it: the driver-level tests take <see cref="RequireGuestAsync"/> and <see cref="Driver"/>, the ones that run the appliance
/// as a process take <see cref="ServeAsync"/>. Each skips the calling test, saying why, where this machine cannot run QEMU
/// guests or build the test guest.
/// </summary>
internal static class QemuEndToEnd
{
    /// <summary>The name the served appliance's copy of the test guest's disk has in Glance.</summary>
    public const string ImageName = "test-guest";

    /// <summary>Skips the calling test unless qemu:///system answers and the test guest (with its bootable disk when asked) builds here.</summary>
    public static async Task<TestGuest> RequireGuestAsync(bool withDisk = false)
    {
        LibvirtAvailability.RequireSystem();
        var (guest, why) = withDisk ? await TestGuest.BuildWithDiskAsync() : await TestGuest.BuildAsync();
        Skip.If(guest is null, why);
        return guest!;
    }

    /// <summary>A compute driver on its own qemu:///system connection and data dir.</summary>
    public static DriverFixture Driver() => new(LibvirtAvailability.SystemUri);

    /// <summary>
    /// The real appliance serving on qemu:///system (from <paramref name="launcher"/>, else the tests' own) with the test
    /// guest's bootable disk at hand; first asserts Debian's openstack CLI is installed unless told the test does not use it.
    /// </summary>
    public static async Task<QemuAppliance> ServeAsync(bool withCli = true, ApplianceLauncher? launcher = null)
    {
        if (withCli)
        {
            OpenStackCli.AssertInstalled();
        }

        var guest = await RequireGuestAsync(withDisk: true);
        var dir = new TempDataDir();
        try
        {
            // libvirt's QEMU user must reach the disks under the data dir.
            HypervisorPaths.SetMode(dir.Path, HypervisorPaths.TraversableMode);
            var dataDir = HypervisorPaths.EnsureDirectory(Path.Combine(dir.Path, "data"));
            var appliance = await (launcher ?? ApplianceLauncher.FromEnvironment()).ServeAsync(dataDir, LibvirtAvailability.SystemUri);
            return new QemuAppliance(guest, dir, dataDir, appliance);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>The driver's spawn request for the test guest: its kernel and initramfs, a config drive with files and user_data that print <paramref name="token"/>.</summary>
    public static SpawnRequest GuestRequest(DriverFixture fixture, TestGuest guest, string token)
    {
        var request = fixture.Request();
        return request with
        {
            MemoryMiB = 256,
            RootGiB = 0,
            SwapMiB = 16,
            EphemeralGiB = 0,
            Image = fixture.Image("e2e-root", 64),
            Kernel = new ImageFile("e2e-kernel", guest.Kernel, "raw"),
            Ramdisk = new ImageFile("e2e-ramdisk", guest.Initrd, "raw"),
            KernelCmdline = "console=ttyS0 quiet",
            ConfigDrive = new InstanceMetadata
            {
                Uuid = request.Uuid,
                Hostname = "e2e-guest",
                Name = "E2E guest",
                ProjectId = "e2e",
                Files =
                [
                    ("/etc/appliance-e2e", Encoding.UTF8.GetBytes($"personality {token}")),
                    ("/etc/motd", Encoding.UTF8.GetBytes($"motd {token}")),
                ],
                UserData = Encoding.UTF8.GetBytes($"#!/bin/sh\necho user-data-ran {token}\n"),
            },
        };
    }

    /// <summary>virsh on qemu:///system; its stdout, or the test fails with its stderr.</summary>
    public static Task<string> VirshAsync(params string[] args) => HostToolAsync("virsh", ["-c", LibvirtAvailability.SystemUri, .. args]);

    /// <summary>A tool of the host (virsh, ssh-keygen ...); its stdout, or the test fails with its stderr.</summary>
    public static async Task<string> HostToolAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}

/// <summary>
/// The real appliance process serving on qemu:///system from a data dir of its own that QEMU's user can traverse, with the
/// test guest, the admin-openrc the appliance wrote on first start, and Debian's CLI logged in with it. Disposing stops the
/// appliance, then removes the data dir.
/// </summary>
internal sealed class QemuAppliance(TestGuest guest, TempDataDir dir, string dataDir, ApplianceProcess appliance) : IAsyncDisposable
{
    public TestGuest Guest => guest;

    /// <summary>A directory of the test's own beside the data dir, for files it hands the CLI (keys, user data).</summary>
    public string WorkDir => dir.Path;

    public string DataDir => dataDir;

    public ApplianceProcess Appliance => appliance;

    public IReadOnlyDictionary<string, string> OpenRc { get; } = IdentityClient.ReadOpenRc(dataDir);

    public OpenStackCli Cli => new(OpenRc);

    /// <summary>`openstack image create` of the test guest's bootable disk, as <see cref="QemuEndToEnd.ImageName"/>.</summary>
    public Task<string> UploadTestGuestAsync() =>
        Cli.OkAsync("image", "create", "--file", guest.Disk, "--disk-format", "qcow2", "--container-format", "bare", QemuEndToEnd.ImageName);

    /// <summary>An admin's view of the servers over plain HTTP, for waiting on status and console.</summary>
    public Task<ComputeProbe> ProbeAsync() => ComputeProbe.ConnectAsync(appliance.BaseUrl, OpenRc);

    public async ValueTask DisposeAsync()
    {
        await appliance.DisposeAsync();
        dir.Dispose();
    }
}
