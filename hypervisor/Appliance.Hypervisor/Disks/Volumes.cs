namespace Appliance.Hypervisor.Disks;

/// <summary>Volumes as qcow2 files in DATA_DIR/volumes: blank, or a full copy of an image (so they outlive it).</summary>
public sealed class Volumes(HypervisorPaths paths)
{
    public const string Format = "qcow2";

    public async Task<string> CreateBlankAsync(string volumeId, long sizeBytes, CancellationToken cancellationToken = default)
    {
        var path = Prepare(volumeId);
        await QemuImg.CreateAsync(path, Format, sizeBytes, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>A standalone copy of the image, grown to sizeBytes when that is larger.</summary>
    public async Task<string> CreateFromImageAsync(string volumeId, CachedImage image, long sizeBytes, CancellationToken cancellationToken = default)
    {
        var path = Prepare(volumeId);
        await QemuImg.ConvertAsync(image.Path, image.Format, path, Format, cancellationToken).ConfigureAwait(false);
        if (sizeBytes > image.VirtualSizeBytes)
        {
            await QemuImg.ResizeAsync(path, Format, sizeBytes, cancellationToken).ConfigureAwait(false);
        }

        return path;
    }

    /// <summary>Removes the file; a volume never made (a build cut short before it, even before the volumes dir existed) is not an error.</summary>
    public void Delete(string volumeId)
    {
        var path = paths.Volume(volumeId);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private string Prepare(string volumeId)
    {
        if (volumeId.Length == 0 || volumeId.IndexOfAny(['/', '\0']) >= 0 || volumeId is "." or "..")
        {
            throw new ArgumentException($"not a volume id: {volumeId}", nameof(volumeId));
        }

        HypervisorPaths.EnsureDirectory(paths.Volumes);
        var path = paths.Volume(volumeId);
        return File.Exists(path) ? throw new IOException($"volume {volumeId} exists") : path;
    }
}
