using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Appliance.Hypervisor.Disks;

/// <summary>
/// Base images in DATA_DIR/_base, copied once per image id (named by its SHA-1, as Nova names them) and
/// shared read-only as the backing file of every root overlay.
/// </summary>
public sealed class BaseImageCache(HypervisorPaths paths)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<string, CachedImage> _known = new();

    public string PathFor(string imageId) =>
        Path.Combine(paths.BaseImages, Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(imageId))));

    /// <summary>Returns the cached copy of an image, copying and checking it first when it is not there.</summary>
    /// <param name="source">The image store's file for this image id.</param>
    /// <param name="format">The format the image claims; a file that is not that format, or has a backing file, is refused.</param>
    public async Task<CachedImage> EnsureAsync(string imageId, string source, string format, CancellationToken cancellationToken = default)
    {
        var path = PathFor(imageId);
        if (_known.TryGetValue(path, out var known) && File.Exists(path))
        {
            return known with { WasCached = true };
        }

        var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var wasCached = File.Exists(path);
            if (!wasCached)
            {
                await CopyInAsync(source, path, cancellationToken).ConfigureAwait(false);
            }

            var info = await QemuImg.InfoAsync(path, format, cancellationToken).ConfigureAwait(false);
            if (info.BackingFile is not null)
            {
                File.Delete(path);
                throw new InvalidDiskImageException($"image {imageId} has a backing file; refused");
            }

            var image = new CachedImage(path, format, info.VirtualSizeBytes, wasCached);
            _known[path] = image;
            return image;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Copies to a temp name and renames, so a crash never leaves a half image under the final name.</summary>
    private async Task CopyInAsync(string source, string path, CancellationToken cancellationToken)
    {
        HypervisorPaths.EnsureDirectory(paths.BaseImages);
        var temporary = path + ".part";
        try
        {
            await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true))
            await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            // World-readable: QEMU opens the base as its own user; nobody writes it again.
            HypervisorPaths.SetMode(temporary, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.Move(temporary, path);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}

/// <summary>A base image ready to back overlays; WasCached says whether this call found it already there.</summary>
public sealed record CachedImage(string Path, string Format, long VirtualSizeBytes, bool WasCached);

/// <summary>An image that is not what it claims, or carries a backing file.</summary>
public sealed class InvalidDiskImageException(string message) : Exception(message);
