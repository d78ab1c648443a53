using System.Reflection;
using Appliance.Hypervisor.Processes;

namespace Appliance.Hypervisor.ConfigDrive;

/// <summary>Builds disk.config: an ISO 9660 labelled config-2, written to a temp name and renamed into place.</summary>
public static class ConfigDriveBuilder
{
    public const string VolumeLabel = "config-2";

    public static async Task BuildAsync(InstanceMetadata metadata, string isoPath, CancellationToken cancellationToken = default)
    {
        var staging = Directory.CreateTempSubdirectory("appliance-configdrive-").FullName;
        var temporary = isoPath + ".tmp";
        try
        {
            foreach (var (path, content) in ConfigDriveLayout.Files(metadata))
            {
                var file = Path.Combine(staging, path);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllBytesAsync(file, content, cancellationToken).ConfigureAwait(false);
            }

            // Nova's mkisofs arguments: Rock Ridge and Joliet names, lower case and dots kept.
            await HostCommand.RunAsync(
                "genisoimage",
                ["-o", temporary, "-ldots", "-allow-lowercase", "-allow-multidot", "-l", "-publisher", Publisher, "-quiet", "-J", "-r", "-V", VolumeLabel, staging],
                cancellationToken).ConfigureAwait(false);
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

    private static string Publisher { get; } =
        $"Appliance {typeof(ConfigDriveBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0"}";
}
