using System.Security.Cryptography;
using Appliance.Core.Configuration;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Images;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Images;

/// <summary>
/// Streams an upload to disk (never whole in memory), hashing as it goes, then proves the bytes are the
/// declared format and harmless before the image becomes active. A refused or broken upload leaves no file.
/// </summary>
public sealed class ImageUploader(
    ImageRepository images, DataPaths paths, ApplianceOptions options, ImageInspector inspector, ILogger<ImageUploader> logger)
{
    public const string PartialPrefix = ".upload-";
    private const int ChunkBytes = 4 << 20;

    public async Task<ImageRecord> UploadAsync(ImageRecord image, Stream data, CancellationToken cancellationToken)
    {
        if (image.DiskFormat is null || image.ContainerFormat is null)
        {
            throw new InvalidRequestException("Properties disk_format, container_format must be set prior to saving data.");
        }

        if (!await images.TransitionAsync(image.Id, ImageStatus.Queued, ImageStatus.Saving, cancellationToken))
        {
            throw new ConflictException($"Image status transition from {image.Status} to saving is not allowed");
        }

        Directory.CreateDirectory(paths.Images);
        var partial = Path.Combine(paths.Images, $"{PartialPrefix}{image.Id}-{Guid.NewGuid():N}");
        var finished = false;
        try
        {
            var allowance = Math.Min(options.Images.MaxUploadBytes,
                options.Images.ProjectQuotaBytes - await images.BytesUsedAsync(image.Owner ?? "", cancellationToken));
            var (size, md5, sha512) = await CopyHashingAsync(data, partial, allowance, cancellationToken);
            var facts = await CheckAsync(partial, image.DiskFormat, cancellationToken);
            File.Move(partial, paths.ImageFile(image.Id), overwrite: true);
            if (!await images.ActivateAsync(image.Id, size, facts?.VirtualSizeBytes ?? size, md5, "sha512", sha512, cancellationToken))
            {
                // Deleted while uploading: the bytes have no owner any more.
                File.Delete(paths.ImageFile(image.Id));
                throw new ConflictException("Image was deleted during the upload");
            }

            finished = true;
            logger.LogInformation("Image {ImageId} active: {Size} bytes, {Format}", image.Id, size, image.DiskFormat);
            return (await images.FindAsync(image.Id, cancellationToken))!;
        }
        catch (ImageRejectedException rejected)
        {
            await images.TransitionAsync(image.Id, ImageStatus.Saving, ImageStatus.Killed, CancellationToken.None);
            logger.LogWarning("Image {ImageId} refused: {Reason}", image.Id, rejected.Message);
            throw new InvalidRequestException($"Image {image.Id} was refused: {rejected.Message}");
        }
        finally
        {
            File.Delete(partial);
            if (!finished)
            {
                // Any other failure (client gone, quota, disk): the upload may be retried.
                await images.TransitionAsync(image.Id, ImageStatus.Saving, ImageStatus.Queued, CancellationToken.None);
            }
        }
    }

    /// <summary>Removes partial files a crash left behind and re-queues their images; run at start.</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.Images);
        foreach (var partial in Directory.EnumerateFiles(paths.Images, PartialPrefix + "*"))
        {
            File.Delete(partial);
        }

        var requeued = await images.RequeueInterruptedUploadsAsync(cancellationToken);
        if (requeued > 0)
        {
            logger.LogWarning("Re-queued {Count} image uploads interrupted by a restart", requeued);
        }
    }

    /// <summary>
    /// Reads the next chunk while the last one is hashed twice and written at once (three jobs on their own
    /// threads), so an upload runs at the pace of its slowest stage, not the sum of all of them.
    /// </summary>
    private static async Task<(long Size, string Md5, string Sha512)> CopyHashingAsync(
        Stream data, string path, long allowance, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        byte[][] buffers = [new byte[ChunkBytes], new byte[ChunkBytes]];
        long size = 0;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
        {
            var processing = Task.CompletedTask;
            for (var turn = 0; ; turn ^= 1)
            {
                int filled;
                try
                {
                    filled = await data.ReadAtLeastAsync(buffers[turn], buffers[turn].Length, throwOnEndOfStream: false, cancellationToken);
                }
                finally
                {
                    // Never leave a write running into a file that is about to be closed and deleted.
                    await processing;
                }

                if (filled == 0)
                {
                    break;
                }

                size += filled;
                if (size > allowance)
                {
                    throw new OverQuotaException(
                        "Denying attempt to upload image because it exceeds the quota or the maximum image size");
                }

                var chunk = new ReadOnlyMemory<byte>(buffers[turn], 0, filled);
                processing = Task.WhenAll(
                    Task.Run(() => md5.AppendData(chunk.Span), cancellationToken),
                    Task.Run(() => sha512.AppendData(chunk.Span), cancellationToken),
                    file.WriteAsync(chunk, cancellationToken).AsTask());
            }

            // The image is acknowledged only once its bytes are on disk.
            file.Flush(flushToDisk: true);
        }

        return (size, Convert.ToHexStringLower(md5.GetHashAndReset()), Convert.ToHexStringLower(sha512.GetHashAndReset()));
    }

    /// <summary>Refuses format lies, backing files, external data files and size bombs.</summary>
    private async Task<DiskImageInfo?> CheckAsync(string path, string diskFormat, CancellationToken cancellationToken)
    {
        var header = new byte[FormatSniffer.HeaderBytes];
        int headerLength;
        await using (var file = File.OpenRead(path))
        {
            headerLength = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        }

        var sniffed = FormatSniffer.Sniff(header.AsSpan(0, headerLength));
        if (!FormatSniffer.Matches(diskFormat, sniffed))
        {
            throw new ImageRejectedException(sniffed is null
                ? $"the data is not a {diskFormat} image"
                : $"the data is a {sniffed} image, not {diskFormat}");
        }

        if (FormatSniffer.Qcow2Hazard(header.AsSpan(0, headerLength)) is { } hazard)
        {
            throw new ImageRejectedException(hazard);
        }

        if (DiskFormat.QemuName(diskFormat) is null)
        {
            return null;
        }

        var facts = await inspector.InspectAsync(path, diskFormat, cancellationToken);
        if (facts.BackingFile is not null)
        {
            throw new ImageRejectedException("it has a backing file");
        }

        if (facts.DataFile is not null)
        {
            throw new ImageRejectedException("it has an external data file");
        }

        if (facts.VirtualSizeBytes > options.Images.MaxVirtualSizeBytes)
        {
            throw new ImageRejectedException(
                $"its virtual size {facts.VirtualSizeBytes} bytes is over the limit of {options.Images.MaxVirtualSizeBytes} bytes");
        }

        return facts;
    }
}
