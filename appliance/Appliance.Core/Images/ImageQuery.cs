namespace Appliance.Core.Images;

/// <summary>A page of an image list: Glance's filters, a sort, and limit/marker paging.</summary>
public sealed record ImageQuery
{
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
