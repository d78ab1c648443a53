namespace Appliance.Hypervisor.Disks;

/// <summary>Where the hypervisor keeps files under the data dir, with Nova's names inside an instance dir.</summary>
public sealed class HypervisorPaths(string dataDir)
{
    public string DataDir { get; } = Path.GetFullPath(dataDir);

    public string BaseImages => Path.Combine(DataDir, "_base");

    public string Instances => Path.Combine(DataDir, "instances");

    public string Volumes => Path.Combine(DataDir, "volumes");

    public string Snapshots => Path.Combine(DataDir, "snapshots");

    public string InstanceDir(Guid uuid) => Path.Combine(Instances, uuid.ToString("D"));

    public string RootDisk(Guid uuid) => Path.Combine(InstanceDir(uuid), "disk");

    public string EphemeralDisk(Guid uuid) => Path.Combine(InstanceDir(uuid), "disk.local");

    public string SwapDisk(Guid uuid) => Path.Combine(InstanceDir(uuid), "disk.swap");

    public string ConfigDrive(Guid uuid) => Path.Combine(InstanceDir(uuid), "disk.config");

    public string ConsoleLog(Guid uuid) => Path.Combine(InstanceDir(uuid), "console.log");

    public string Kernel(Guid uuid) => Path.Combine(InstanceDir(uuid), "kernel");

    public string Ramdisk(Guid uuid) => Path.Combine(InstanceDir(uuid), "ramdisk");

    public string Volume(string volumeId) => Path.Combine(Volumes, volumeId);

    /// <summary>Nova's "&lt;instance dir&gt;_resize": the disks and definition a resize keeps until it is confirmed or reverted.</summary>
    public string ResizeKeptDir(Guid uuid) => InstanceDir(uuid) + "_resize";

    /// <summary>Where the kept copy is made; renamed to <see cref="ResizeKeptDir"/> once whole, so a crash never leaves half a copy to restore.</summary>
    public string ResizeKeptPartialDir(Guid uuid) => InstanceDir(uuid) + "_resize.part";

    /// <summary>The domain definition kept with a resize's disks, to define again on revert.</summary>
    public static string KeptDomainXml(string dir) => Path.Combine(dir, "libvirt.xml");

    /// <summary>Creates a directory that QEMU (running as its own user) can traverse.</summary>
    public static string EnsureDirectory(string path)
    {
        Directory.CreateDirectory(path);
        SetMode(path, TraversableMode);
        return path;
    }

    /// <summary>Sets Unix permissions; the guard keeps the analyzer content, and there is no libvirt on Windows anyway.</summary>
    public static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    /// <summary>rwxr-xr-x: libvirt's QEMU user must reach disks below, and must not write here.</summary>
    public const UnixFileMode TraversableMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
}
