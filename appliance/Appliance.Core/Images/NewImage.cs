namespace Appliance.Core.Images;

/// <summary>What a client may say when creating an image; everything else is the store's to decide.</summary>
public sealed record NewImage
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? DiskFormat { get; init; }
    public string? ContainerFormat { get; init; }
    public int MinDisk { get; init; }
    public int MinRam { get; init; }
    public string Visibility { get; init; } = ImageVisibility.Shared;
    public bool Protected { get; init; }
    public bool OsHidden { get; init; }
    /// <summary>Admins may create images for another project.</summary>
    public string? Owner { get; init; }
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Tags { get; init; } = [];
}
