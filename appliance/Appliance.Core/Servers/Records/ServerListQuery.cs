namespace Appliance.Core.Servers;

/// <summary>A server list's filters, already checked and reduced to what the caller may ask for.</summary>
public sealed record ServerListQuery
{
    /// <summary>Null: every project (an admin's all_tenants).</summary>
    public string? ProjectId { get; init; }

    public string? UserId { get; init; }

    /// <summary>A regular expression searched in the name, as Nova's name filter.</summary>
    public string? NameRegex { get; init; }

    public string? Status { get; init; }

    public string? ImageRef { get; init; }

    public string? FlavorId { get; init; }

    public string? ReservationId { get; init; }

    public string? KeyName { get; init; }

    public string? AvailabilityZone { get; init; }

    public string? Host { get; init; }

    /// <summary>A regular expression searched in the server's fixed and access IPv4 addresses.</summary>
    public string? IpRegex { get; init; }

    public string? Ip6Regex { get; init; }

    /// <summary>Servers changed at or after this time, deleted ones included.</summary>
    public DateTimeOffset? ChangesSince { get; init; }

    public DateTimeOffset? ChangesBefore { get; init; }

    /// <summary>Null: live servers (or, with changes-since, live and deleted); true: only deleted ones.</summary>
    public bool? Deleted { get; init; }

    public bool? Locked { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<string> TagsAny { get; init; } = [];

    public IReadOnlyList<string> NotTags { get; init; } = [];

    public IReadOnlyList<string> NotTagsAny { get; init; } = [];

    /// <summary>Sort columns with directions; empty means Nova's default, newest first.</summary>
    public IReadOnlyList<(string Column, bool Descending)> Sort { get; init; } = [];

    public int Limit { get; init; } = 1000;

    public string? Marker { get; init; }
}
