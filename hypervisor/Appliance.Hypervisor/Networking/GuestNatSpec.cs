namespace Appliance.Hypervisor.Networking;

/// <summary>
/// Everything the appliance NATs, as one table rewritten whole: the outbound masquerade of its routed networks, their
/// isolation from new inbound traffic that is not forwarded on purpose, and each floating address's DNAT and SNAT.
/// </summary>
public sealed record GuestNatSpec
{
    /// <summary>The nftables table (family ip) the appliance alone owns; the data dir's hash keeps two appliances apart.</summary>
    public required string Table { get; init; }

    /// <summary>The appliance's routed networks: their guests reach outside masqueraded, and nothing new reaches them unless DNAT'd.</summary>
    public IReadOnlyList<RoutedNetwork> RoutedNetworks { get; init; } = [];

    /// <summary>Floating addresses and where they go.</summary>
    public IReadOnlyList<FloatingAddress> FloatingAddresses { get; init; } = [];

    /// <summary>The external bridges and the floating addresses each must carry (so the host answers ARP for them).</summary>
    public IReadOnlyList<ExternalBridge> ExternalBridges { get; init; } = [];
}

/// <summary>A routed network: its bridge and its subnet (e.g. 10.0.0.0/24).</summary>
public sealed record RoutedNetwork(string Bridge, string Cidr);

/// <summary>
/// A floating address on an external bridge: all of it NAT'd to FixedAddress when that is set (a 1:1 association), and
/// each forward's one port to its own fixed address and port.
/// </summary>
public sealed record FloatingAddress(string Address, string ExternalBridge)
{
    public string? FixedAddress { get; init; }

    public IReadOnlyList<FloatingForward> Forwards { get; init; } = [];
}

/// <summary>Protocol ExternalPort of a floating address reaches InternalAddress:InternalPort.</summary>
public sealed record FloatingForward(string Protocol, int ExternalPort, string InternalAddress, int InternalPort);

/// <summary>An external network's bridge, the pools the appliance gives floating addresses from, and those it holds now.</summary>
public sealed record ExternalBridge(string Bridge, IReadOnlyList<(string Start, string End)> Pools, IReadOnlyList<string> Addresses);
