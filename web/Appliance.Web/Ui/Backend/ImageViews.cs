using Appliance.Core.Images;

namespace Appliance.Web.Ui.Backend;

public sealed record ImageRow(string Id, string Name, string Status, string? DiskFormat, long? Size, string Visibility, string? Owner, DateTimeOffset CreatedAt)
{
    public static ImageRow From(ImageRecord image) =>
        new(image.Id, image.Name ?? "", image.Status, image.DiskFormat, image.Size, image.Visibility, image.Owner, image.CreatedAt);
}

public sealed record FlavorRow(string Id, string Name, int Vcpus, int MemoryMb, int RootGb, int EphemeralGb, int SwapMb, bool IsPublic);

/// <summary>Images and flavors for the status page, as the signed-in user.</summary>
public interface IImageShelf
{
    Task<IReadOnlyList<ImageRow>> ListImagesAsync(CancellationToken cancellationToken = default);

    /// <summary>The image, or null when it is deleted or not the user's to see.</summary>
    Task<ImageRow?> FindImageAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<FlavorRow>> ListFlavorsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates a private image and streams its bytes in; the store checks them as for any upload.</summary>
    Task<ImageRow> UploadAsync(string name, string diskFormat, Stream data, CancellationToken cancellationToken = default);
}
