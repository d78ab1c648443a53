using Appliance.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Images;

/// <summary>The image store's operations, each checked against who is calling.</summary>
public sealed class ImageService(ImageRepository images, ImageUploader uploader, DataPaths paths, ILogger<ImageService> logger)
{
    public async Task<ImageRecord> CreateAsync(ImageCaller caller, NewImage request, CancellationToken cancellationToken = default)
    {
        var id = request.Id ?? Guid.NewGuid().ToString();
        if (await images.FindAsync(id, cancellationToken) is not null)
        {
            throw new AlreadyExistsException($"Image with identifier {id} already exists!");
        }

        if (request.Owner is not null && request.Owner != caller.ProjectId && !caller.IsAdmin)
        {
            throw new ForbiddenException("You are not permitted to create images owned by another project.");
        }

        if (request.Visibility == ImageVisibility.Public && !caller.IsAdmin)
        {
            throw new ForbiddenException("You are not authorized to complete publicize_image action.");
        }

        var now = DateTimeOffset.UtcNow;
        var image = new ImageRecord
        {
            Id = id,
            Name = request.Name,
            Status = ImageStatus.Queued,
            DiskFormat = request.DiskFormat,
            ContainerFormat = request.ContainerFormat,
            MinDisk = request.MinDisk,
            MinRam = request.MinRam,
            Visibility = request.Visibility,
            Owner = request.Owner ?? caller.ProjectId,
            Protected = request.Protected,
            OsHidden = request.OsHidden,
            CreatedAt = now,
            UpdatedAt = now,
            Properties = request.Properties,
            Tags = request.Tags,
        };
        await images.InsertAsync(image, cancellationToken);
        return (await images.FindAsync(id, cancellationToken))!;
    }

    /// <summary>The image when the caller may see it; deleted and foreign images are not found.</summary>
    public async Task<ImageRecord> GetAsync(ImageCaller caller, string id, CancellationToken cancellationToken = default)
    {
        var image = await images.FindAsync(id, cancellationToken);
        return image is null || image.Status == ImageStatus.Deleted || !caller.CanSee(image)
            ? throw new ImageNotFoundException(id)
            : image;
    }

    /// <summary>One page of the images the caller may see, and whether more follow.</summary>
    public async Task<(IReadOnlyList<ImageRecord> Page, bool More)> ListAsync(ImageCaller caller, ImageQuery query, CancellationToken cancellationToken = default)
    {
        var visible = (await images.ListAsync(query, cancellationToken))
            .Where(caller.CanSee)
            // Community images are listed only when asked for by visibility, as Glance does.
            .Where(image => query.Visibility is not null || image.Visibility != ImageVisibility.Community || image.Owner == caller.ProjectId)
            .ToList();
        var start = 0;
        if (query.Marker is not null)
        {
            var index = visible.FindIndex(image => image.Id == query.Marker);
            if (index < 0)
            {
                throw new InvalidRequestException($"marker [{query.Marker}] not found");
            }

            start = index + 1;
        }

        var page = visible.Skip(start).Take(query.Limit).ToList();
        return (page, start + page.Count < visible.Count);
    }

    /// <summary>Stores a changed image, after checking the caller owns it and the change is allowed.</summary>
    public async Task<ImageRecord> UpdateAsync(ImageCaller caller, string id, Func<ImageRecord, ImageRecord> change, CancellationToken cancellationToken = default)
    {
        var image = await GetAsync(caller, id, cancellationToken);
        if (!caller.CanChange(image))
        {
            throw new ForbiddenException("You are not permitted to modify this image.");
        }

        var changed = change(image) with { UpdatedAt = DateTimeOffset.UtcNow };
        if (changed.Visibility == ImageVisibility.Public && image.Visibility != ImageVisibility.Public && !caller.IsAdmin)
        {
            throw new ForbiddenException("You are not authorized to complete publicize_image action.");
        }

        if (image.Status != ImageStatus.Queued && (changed.DiskFormat != image.DiskFormat || changed.ContainerFormat != image.ContainerFormat))
        {
            throw new ForbiddenException("Attribute disk_format can be only replaced for a queued image.");
        }

        await images.UpdateAsync(changed, cancellationToken);
        return (await images.FindAsync(id, cancellationToken))!;
    }

    public async Task DeleteAsync(ImageCaller caller, string id, CancellationToken cancellationToken = default)
    {
        var image = await GetAsync(caller, id, cancellationToken);
        if (!caller.CanChange(image))
        {
            throw new ForbiddenException("You are not permitted to delete this image.");
        }

        if (image.Protected)
        {
            throw new ForbiddenException($"Image {id} is protected and cannot be deleted.");
        }

        await images.MarkDeletedAsync(id, cancellationToken);
        // A queued image never had bytes; only an uploaded one has a file to remove.
        if (File.Exists(paths.ImageFile(id)))
        {
            File.Delete(paths.ImageFile(id));
        }
        logger.LogInformation("Image {ImageId} deleted", id);
    }

    public async Task<ImageRecord> UploadAsync(ImageCaller caller, string id, Stream data, CancellationToken cancellationToken = default)
    {
        var image = await GetAsync(caller, id, cancellationToken);
        if (!caller.CanChange(image))
        {
            throw new ForbiddenException("You are not permitted to upload data for this image.");
        }

        return await uploader.UploadAsync(image, data, cancellationToken);
    }

    /// <summary>The stored bytes of an active image, for download; none (not an error) while the image has no data.</summary>
    public async Task<(ImageRecord Image, FileStream? Data)> OpenDataAsync(ImageCaller caller, string id, CancellationToken cancellationToken = default)
    {
        var image = await GetAsync(caller, id, cancellationToken);
        return (image, image.Status == ImageStatus.Active ? File.OpenRead(paths.ImageFile(id)) : null);
    }
}
