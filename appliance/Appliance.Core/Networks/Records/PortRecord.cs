namespace Appliance.Core.Networks;

/// <summary>A port as the store holds it, with its fixed addresses.</summary>
public sealed record PortRecord
{
    public required string Id { get; init; }

    public required string NetworkId { get; init; }

    public required string ProjectId { get; init; }

    public string Name { get; init; } = "";

    public required string MacAddress { get; init; }

    /// <summary>The server it is bound to; empty when unbound.</summary>
    public string DeviceId { get; init; } = "";

    public string DeviceOwner { get; init; } = "";

    public string Status { get; init; } = PortStatuses.Down;

    public bool AdminStateUp { get; init; } = true;

    public IReadOnlyList<string> SecurityGroups { get; init; } = [];

    /// <summary>A port the user made: its server's delete unbinds it instead of deleting it.</summary>
    public bool PreserveOnDelete { get; init; }

    /// <summary>The NIC's place among its server's NICs.</summary>
    public int Position { get; init; }

    public IReadOnlyList<FixedIp> FixedIps { get; init; } = [];

    public required string CreatedAt { get; init; }

    public required string UpdatedAt { get; init; }

    public long RevisionNumber { get; init; } = 1;
}

/// <summary>One fixed address of a port, on one subnet.</summary>
public sealed record FixedIp(string SubnetId, string IpAddress);

/// <summary>Neutron's port statuses the appliance uses.</summary>
public static class PortStatuses
{
    public const string Active = "ACTIVE";
    public const string Down = "DOWN";
}

/// <summary>Neutron's device_owner for a server's port.</summary>
public static class DeviceOwners
{
    public const string Compute = "compute:nova";
    public const string Dhcp = "network:dhcp";
}
