using System.Collections.Concurrent;

namespace Appliance.Hypervisor.Disks;

/// <summary>
/// Root disks: qcow2 overlays on a cached base. qemu-img makes the same bytes for the same base, format and size
/// (the header names the base; no clusters are allocated), so each kind is made once by qemu-img and its bytes are
/// then written for every instance: one write and one fsync instead of a qemu-img process and its four fdatasyncs
/// (about 35 ms of a ~60 ms build on test:///default).
/// </summary>
public sealed class RootOverlays(HypervisorPaths paths)
{
    private readonly ConcurrentDictionary<(string Base, string Format, long Size), byte[]> _templates = new();

    /// <summary>A qcow2 overlay on the base, grown to the flavor's size; never smaller than the image.</summary>
    /// <param name="sizeBytes">The flavor's root size; 0 means the image's own size.</param>
    public async Task CreateAsync(string path, CachedImage image, long sizeBytes, CancellationToken cancellationToken = default)
    {
        if (sizeBytes != 0 && sizeBytes < image.VirtualSizeBytes)
        {
            throw new InvalidDiskImageException(
                $"the flavor's root disk ({sizeBytes} bytes) is smaller than the image ({image.VirtualSizeBytes} bytes)");
        }

        var key = (image.Path, image.Format, Math.Max(sizeBytes, image.VirtualSizeBytes));
        if (!_templates.TryGetValue(key, out var template))
        {
            template = await MakeTemplateAsync(key, cancellationToken).ConfigureAwait(false);
            _templates.TryAdd(key, template);
        }

        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        await file.WriteAsync(template, cancellationToken).ConfigureAwait(false);
        // Durable before the server may turn ACTIVE, as qemu-img's own create is.
        file.Flush(flushToDisk: true);
    }

    /// <summary>qemu-img makes the first overlay of its kind beside the base (so a failure says what qemu-img said).</summary>
    private async Task<byte[]> MakeTemplateAsync((string Base, string Format, long Size) key, CancellationToken cancellationToken)
    {
        HypervisorPaths.EnsureDirectory(paths.BaseImages);
        var scratch = Path.Combine(paths.BaseImages, $"overlay-{Guid.NewGuid():N}.part");
        try
        {
            await QemuImg.CreateOverlayAsync(scratch, key.Base, key.Format, key.Size, cancellationToken).ConfigureAwait(false);
            return await File.ReadAllBytesAsync(scratch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(scratch);
        }
    }
}
