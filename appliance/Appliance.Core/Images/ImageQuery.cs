namespace Appliance.Core.Images;

/// <summary>A page of an image list: Glance's filters, a sort, and limit/marker paging.</summary>
public sealed record ImageQuery
{
    /// <summary>Columns a list may sort on, as Glance names them.</summary>
    public static readonly IReadOnlySet<string> SortKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "status", "container_format", "disk_format", "size", "virtual_size", "id",
        "created_at", "updated_at", "min_disk", "min_ram", "visibility", "owner",
    };

    public IReadOnlyList<string>? Ids { get; init; }
    public string? Name { get; init; }
    public string? Status { get; init; }
    public string? Visibility { get; init; }
    public string? Owner { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public int? MinDisk { get; init; }
    public int? MinRam { get; init; }
    public DateTimeOffset? ChangesSince { get; init; }
    public bool IncludeDeleted { get; init; }
    /// <summary>Image ids whose property <c>instance_uuid</c> is this server (snapshots of it).</summary>
    public string? InstanceUuid { get; init; }
    public string? ImageType { get; init; }
    public IReadOnlyList<(string Key, bool Descending)> Sort { get; init; } = [("created_at", true)];
    public int Limit { get; init; } = 25;
    public string? Marker { get; init; }
}
