namespace Appliance.Core.Networks;

/// <summary>A network as the store holds it.</summary>
public sealed record NetworkRecord
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string ProjectId { get; init; }

    public bool Shared { get; init; }

    /// <summary>Which data plane carries it: <see cref="NetworkKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The libvirt network behind a nat or isolated network; null for a provider network.</summary>
    public string? LibvirtName { get; init; }

    /// <summary>The bridge guests plug into: libvirt's for nat and isolated, the host's own for provider; empty for user.</summary>
    public required string Bridge { get; init; }

    public int Mtu { get; init; } = 1500;

    public bool AdminStateUp { get; init; } = true;

    public bool RouterExternal { get; init; }

    public string Description { get; init; } = "";

    /// <summary>A user network's: the host address its forwards listen on (127.0.0.1 unless the admin chose another).</summary>
    public string? ForwardAddress { get; init; }

    /// <summary>A user network's: the guest TCP ports each server's NIC gets a forward to, e.g. 22.</summary>
    public IReadOnlyList<int> ForwardPorts { get; init; } = [];

    public required string CreatedAt { get; init; }

    public required string UpdatedAt { get; init; }

    public long RevisionNumber { get; init; } = 1;
}

/// <summary>The data planes a network can have.</summary>
public static class NetworkKinds
{
    /// <summary>A libvirt network with NAT to the outside.</summary>
    public const string Nat = "nat";

    /// <summary>A libvirt network without a way out: guests, each other and the host.</summary>
    public const string Isolated = "isolated";

    /// <summary>An existing host bridge on the LAN, named by the admin.</summary>
    public const string Provider = "provider";

    /// <summary>The hypervisor's user-mode stack (passt or QEMU's SLIRP): no bridge, reached through host port forwards.</summary>
    public const string User = "user";
}
