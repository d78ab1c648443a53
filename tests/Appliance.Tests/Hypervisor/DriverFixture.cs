using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Host;
using Appliance.Hypervisor.Host.Acceleration;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Hypervisor;

/// <summary>A driver on its own connection and data dir, with small files standing in for images.</summary>
internal sealed class DriverFixture : IDisposable
{
    private readonly TempDataDir _dataDir = new();
    private readonly List<Guid> _requested = [];

    public DriverFixture(string uri, DriverOptions? options = null)
    {
        Paths = new HypervisorPaths(_dataDir.Path);
        Host = new LibvirtHost(uri);
        // As serve decides it: kvm only where it works (with Nova's host-model CPU), else TCG.
        Driver = new LibvirtComputeDriver(Host, Paths, new HostFacts(VirtTypeChoice.Choose(VirtTypeSetting.Auto, KvmEvidence.Read(Host)).VirtType), options);
        Directory.CreateDirectory(Path.Combine(_dataDir.Path, "images"));
        // QEMU runs as its own user on qemu:///system and must traverse the data dir to reach the disks.
        HypervisorPaths.SetMode(_dataDir.Path, HypervisorPaths.TraversableMode);
    }

    /// <summary>Polls every 20 ms: the test driver's guests change state at once.</summary>
    public static readonly DriverOptions Fast = new() { PollInterval = TimeSpan.FromMilliseconds(20) };

    /// <summary>A fixture on libvirt's test driver (fast polls unless told otherwise); skips the calling test when libvirt.so.0 cannot load.</summary>
    public static DriverFixture OnTestDriver(DriverOptions? options = null)
    {
        LibvirtAvailability.RequireLibrary();
        return new DriverFixture(LibvirtAvailability.TestUri, options ?? Fast);
    }

    public HypervisorPaths Paths { get; }

    public LibvirtHost Host { get; }

    public LibvirtComputeDriver Driver { get; }

    /// <summary>A file in the stand-in image store.</summary>
    public ImageFile Image(string id, int sizeMiB = 4, string format = "raw")
    {
        var path = Path.Combine(_dataDir.Path, "images", id);
        using (var file = File.Create(path))
        {
            file.SetLength((long)sizeMiB << 20);
        }

        return new ImageFile(id, path, format);
    }

    public SpawnRequest Request(Guid? uuid = null)
    {
        var id = uuid ?? Guid.NewGuid();
        _requested.Add(id);
        return new SpawnRequest
        {
            Uuid = id,
            Name = $"appliance-test-{id:N}",
            MemoryMiB = 64,
            VCpus = 1,
            RootGiB = 1,
            SwapMiB = 16,
            EphemeralGiB = 1,
            Image = Image($"root-{id:N}"),
            Kernel = Image($"kernel-{id:N}", 1),
            Ramdisk = Image($"ramdisk-{id:N}", 1),
            ConfigDrive = ConfigDriveTests.Metadata() with { Uuid = id },
        };
    }

    /// <summary>Spawns a <see cref="Request"/> as <paramref name="shape"/> changes it; returns what was spawned.</summary>
    public async Task<SpawnRequest> SpawnAsync(Func<SpawnRequest, SpawnRequest> shape)
    {
        var request = shape(Request());
        await Driver.SpawnAsync(request);
        return request;
    }

    public void Dispose()
    {
        // Destroy only this fixture's guests that a failed test left behind, then drop the connection.
        foreach (var uuid in _requested)
        {
            Driver.DestroyAsync(uuid).GetAwaiter().GetResult();
        }

        Host.Dispose();
        _dataDir.Dispose();
    }
}
