namespace Appliance.Core.Networks;

/// <summary>An IPv4 subnet of a network, as the store holds it.</summary>
public sealed record SubnetRecord
{
    public required string Id { get; init; }

    public required string NetworkId { get; init; }

    public required string ProjectId { get; init; }

    public string Name { get; init; } = "";

    public int IpVersion { get; init; } = 4;

    public required string Cidr { get; init; }

    public string? GatewayIp { get; init; }

    public bool EnableDhcp { get; init; } = true;

    public IReadOnlyList<string> DnsNameservers { get; init; } = [];

    public IReadOnlyList<AllocationPool> AllocationPools { get; init; } = [];

    public required string CreatedAt { get; init; }

    public required string UpdatedAt { get; init; }

    public long RevisionNumber { get; init; } = 1;

    public Ipv4Cidr Range => Ipv4Cidr.Parse(Cidr);
}

/// <summary>A range of addresses ports are given from, both ends included.</summary>
public sealed record AllocationPool(string Start, string End);
