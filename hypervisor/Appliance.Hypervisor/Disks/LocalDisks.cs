using Appliance.Hypervisor.Processes;

namespace Appliance.Hypervisor.Disks;

/// <summary>Creates an instance's local disks other than the root (see RootOverlays): swap, ephemeral, and its own kernel and ramdisk copies.</summary>
public static class LocalDisks
{
    public const string EphemeralLabel = "ephemeral0";

    /// <summary>A raw sparse file with a swap signature, as Nova's _create_swap.</summary>
    public static async Task CreateSwapAsync(string path, int sizeMiB, CancellationToken cancellationToken = default)
    {
        CreateSparse(path, (long)sizeMiB << 20);
        await HostCommand.RunAsync("mkswap", [path], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A raw sparse file formatted ext4 and labelled ephemeral0, Nova's default for Linux guests.</summary>
    public static async Task CreateEphemeralAsync(string path, int sizeGiB, CancellationToken cancellationToken = default)
    {
        CreateSparse(path, (long)sizeGiB << 30);
        await HostCommand.RunAsync("mkfs.ext4", ["-F", "-q", "-L", EphemeralLabel, path], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The instance's own copy, so libvirt may relabel it without touching the shared cache.</summary>
    public static void CopyBootFile(string source, string path) => File.Copy(source, path, overwrite: true);

    private static void CreateSparse(string path, long sizeBytes)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.SetLength(sizeBytes);
    }
}
