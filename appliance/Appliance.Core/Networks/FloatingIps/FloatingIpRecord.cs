namespace Appliance.Core.Networks;

/// <summary>A floating IP as the store holds it: an external network's address, NAT'd to a port's fixed address when associated.</summary>
public sealed record FloatingIpRecord
{
    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    public required string FloatingNetworkId { get; init; }

    /// <summary>The network:floatingip port whose port_ips row holds the address.</summary>
    public required string FloatingPortId { get; init; }

    public required string FloatingIpAddress { get; init; }

    /// <summary>The associated port; null when the floating IP is free.</summary>
    public string? PortId { get; init; }

    public string? FixedIpAddress { get; init; }

    public string Description { get; init; } = "";

    public required string CreatedAt { get; init; }

    public required string UpdatedAt { get; init; }

    public long RevisionNumber { get; init; } = 1;

    /// <summary>Neutron's status: ACTIVE while associated (the NAT is in place), DOWN otherwise.</summary>
    public string Status => PortId is null ? PortStatuses.Down : PortStatuses.Active;
}

/// <summary>One of Neutron's port forwardings: ExternalPort of the floating address reaches InternalPort of a fixed address.</summary>
public sealed record PortForwardingRecord
{
    public required string Id { get; init; }

    public required string FloatingIpId { get; init; }

    public required string Protocol { get; init; }

    public required int ExternalPort { get; init; }

    public required int InternalPort { get; init; }

    public required string InternalPortId { get; init; }

    public required string InternalIpAddress { get; init; }

    public string Description { get; init; } = "";
}

/// <summary>Neutron's device_owner of the port that holds a floating address.</summary>
public static class FloatingIpOwners
{
    public const string FloatingIp = "network:floatingip";
}
