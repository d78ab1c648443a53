namespace Appliance.Hypervisor.Networking;

/// <summary>One virtio NIC of a guest, for one port.</summary>
public sealed record GuestNic
{
    /// <summary>The port's MAC address, lower case, colon separated.</summary>
    public required string Mac { get; init; }

    public required GuestNicSource Source { get; init; }

    /// <summary>The port id, shown to the guest nowhere but used for the tap name (tap + first 11 characters, as Nova).</summary>
    public required Guid PortId { get; init; }

    public int? Mtu { get; init; }

    /// <summary>Anti-spoofing: the guest may send only from its MAC and these addresses (libvirt's clean-traffic filter); empty for no filter.</summary>
    public IReadOnlyList<string> AllowedAddresses { get; init; } = [];

    /// <summary>
    /// The network filter the NIC uses (its port's security groups over clean-traffic), given the AllowedAddresses as its IP
    /// parameters; null for clean-traffic alone.
    /// </summary>
    public string? FilterName { get; init; }

    /// <summary>User-mode forwards from a host address and port to a guest port.</summary>
    public IReadOnlyList<PortForward> Forwards { get; init; } = [];

    /// <summary>User-mode: the subnet the user-mode stack serves the guest and the address its DHCP gives it; null for the stack's own.</summary>
    public UserModeAddress? UserAddress { get; init; }
}

/// <summary>A user-mode NIC's subnet (CIDR, e.g. 10.0.2.0/24) and the one address its DHCP hands the guest.</summary>
public sealed record UserModeAddress(string Cidr, string Address);

/// <summary>Where a NIC plugs in: a libvirt network, an existing host bridge, or user-mode networking (passt or QEMU's SLIRP).</summary>
public sealed record GuestNicSource(GuestNicKind Kind, string? Name)
{
    public static GuestNicSource Network(string networkName) => new(GuestNicKind.Network, networkName);

    public static GuestNicSource Bridge(string bridgeName) => new(GuestNicKind.Bridge, bridgeName);

    public static readonly GuestNicSource User = new(GuestNicKind.User, null);
}

public enum GuestNicKind
{
    Network,
    Bridge,
    User,
}

/// <summary>A TCP forward from HostAddress:HostPort to the guest's GuestPort.</summary>
public sealed record PortForward(string HostAddress, int HostPort, int GuestPort);
