namespace Appliance.Core.Networks;

/// <summary>A security group as the store holds it, with its rules.</summary>
public sealed record SecurityGroupRecord
{
    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    public string Name { get; init; } = "";

    public string Description { get; init; } = "";

    /// <summary>The project's default group: made when first needed, never deleted or renamed.</summary>
    public bool IsDefault { get; init; }

    public bool Stateful { get; init; } = true;

    public IReadOnlyList<SecurityGroupRuleRecord> Rules { get; init; } = [];

    public required string CreatedAt { get; init; }

    public required string UpdatedAt { get; init; }

    public long RevisionNumber { get; init; } = 1;
}

/// <summary>One rule of a group: what traffic in one direction it lets through; null fields match anything.</summary>
public sealed record SecurityGroupRuleRecord
{
    public required string Id { get; init; }

    public required string SecurityGroupId { get; init; }

    public required string ProjectId { get; init; }

    /// <summary>ingress or egress, from the guest's side.</summary>
    public required string Direction { get; init; }

    /// <summary>IPv4 or IPv6.</summary>
    public required string Ethertype { get; init; }

    /// <summary>A protocol name (tcp, udp, icmp, ...) or number as given, null for any.</summary>
    public string? Protocol { get; init; }

    public int? PortRangeMin { get; init; }

    public int? PortRangeMax { get; init; }

    /// <summary>The peer's addresses, as given (normalised only in <see cref="NormalizedCidr"/>).</summary>
    public string? RemoteIpPrefix { get; init; }

    /// <summary>The peers are the ports in this group.</summary>
    public string? RemoteGroupId { get; init; }

    public string Description { get; init; } = "";

    public required string CreatedAt { get; init; }

    public required string UpdatedAt { get; init; }

    public long RevisionNumber { get; init; } = 1;

    /// <summary>The prefix with its host bits cleared (10.0.0.5/24 is 10.0.0.0/24), as Neutron shows it.</summary>
    public string? NormalizedCidr => RemoteIpPrefix is null ? null : IpPrefix.Normalize(RemoteIpPrefix);

    public static class Directions
    {
        public const string Ingress = "ingress";
        public const string Egress = "egress";
    }

    public static class Ethertypes
    {
        public const string IPv4 = "IPv4";
        public const string IPv6 = "IPv6";
    }
}
