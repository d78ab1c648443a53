namespace Appliance.Hypervisor.Networking;

/// <summary>The data plane of the appliance's networks, through libvirt's network driver. All calls are idempotent.</summary>
public interface INetworkDriver
{
    /// <summary>Defines the network as the spec says (redefining one that differs), starts it and marks it autostart.</summary>
    Task EnsureAsync(VirtualNetworkSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Whether the network exists and is running.</summary>
    bool IsActive(string networkName);

    /// <summary>The bridge's real name once started (libvirt may have chosen it), or null when the network is absent.</summary>
    string? BridgeOf(string networkName);

    /// <summary>The static DHCP entries the network holds, live and persistent alike.</summary>
    IReadOnlyList<DhcpHost> DhcpHosts(string networkName);

    /// <summary>Adds or replaces (same MAC) a static DHCP entry, live and in the persistent definition.</summary>
    Task AddDhcpHostAsync(string networkName, DhcpHost host, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry for this MAC; a missing one is not an error.</summary>
    Task RemoveDhcpHostAsync(string networkName, string mac, CancellationToken cancellationToken = default);

    /// <summary>Stops and undefines the network; a missing one is not an error.</summary>
    Task RemoveAsync(string networkName, CancellationToken cancellationToken = default);

    /// <summary>The names of the libvirt networks whose name starts with prefix (the appliance's own).</summary>
    IReadOnlyList<string> ListNetworks(string prefix);

    /// <summary>Puts the address (/32) on the host's loopback, where guests reach it through their gateway; kept if there.</summary>
    Task EnsureLoopbackAddressAsync(string address, CancellationToken cancellationToken = default);
}
