using System.Reflection;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Processes;

namespace Appliance.Hypervisor.ConfigDrive;

/// <summary>Builds disk.config: an ISO 9660 labelled config-2, written to a temp name and renamed into place.</summary>
public static class ConfigDriveBuilder
{
    public const string VolumeLabel = "config-2";

    public static async Task BuildAsync(InstanceMetadata metadata, string isoPath, CancellationToken cancellationToken = default)
    {
        var staging = Path.Combine(StagingRoot, $"appliance-configdrive-{Guid.NewGuid():N}");
        // Owner-only: the tree holds the admin password and user data.
        _ = OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(staging)
            : Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temporary = isoPath + ".tmp";
        try
        {
            foreach (var (path, content) in ConfigDriveLayout.Files(metadata))
            {
                var file = Path.Combine(staging, path);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllBytes(file, content);
            }

            // Nova's mkisofs arguments: Rock Ridge and Joliet names, lower case and dots kept.
            await HostCommand.RunAsync(
                "genisoimage",
                ["-o", temporary, "-ldots", "-allow-lowercase", "-allow-multidot", "-l", "-publisher", Publisher, "-quiet", "-J", "-r", "-V", VolumeLabel, staging],
                cancellationToken).ConfigureAwait(false);
            // Owner-only as well; libvirt hands it to QEMU's user while the guest runs.
            HypervisorPaths.SetMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            // On disk before the rename, as the root disk is: a guest started again after a power cut must not find an empty drive.
            using (var written = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 0))
            {
                written.Flush(flushToDisk: true);
            }

            File.Move(temporary, isoPath, overwrite: true);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Staging in RAM when the host has /dev/shm: sixty small files cost a busy disk hundreds of ms.</summary>
    private static string StagingRoot { get; } = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    private static string Publisher { get; } =
        $"Appliance {typeof(ConfigDriveBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0"}";
}
