namespace Appliance.Core.Images;

/// <summary>One image as stored: Glance's fields, its free-form properties and its tags.</summary>
public sealed record ImageRecord
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public required string Status { get; init; }
    public string? DiskFormat { get; init; }
    public string? ContainerFormat { get; init; }
    public long? Size { get; init; }
    public long? VirtualSize { get; init; }
    public string? Checksum { get; init; }
    public string? OsHashAlgo { get; init; }
    public string? OsHashValue { get; init; }
    public int MinDisk { get; init; }
    public int MinRam { get; init; }
    public string Visibility { get; init; } = ImageVisibility.Shared;
    public string? Owner { get; init; }
    public bool Protected { get; init; }
    public bool OsHidden { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? DeletedAt { get; init; }
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Tags { get; init; } = [];
}

public static class ImageStatus
{
    public const string Queued = "queued";
    public const string Saving = "saving";
    public const string Active = "active";
    public const string Killed = "killed";
    public const string Deleted = "deleted";
    public const string Deactivated = "deactivated";
}

public static class ImageVisibility
{
    public const string Public = "public";
    public const string Private = "private";
    public const string Shared = "shared";
    public const string Community = "community";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Public, Private, Shared, Community };
}
