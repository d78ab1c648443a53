namespace Appliance.Core.Networks;

/// <summary>One fixed address of a server, as addresses and /ips show it: keyed by its network's name.</summary>
public sealed record ServerAddress(string NetworkName, string Address, int Version, string MacAddress, string PortId, int Position)
{
    /// <summary>On a user network: the host ports that reach the guest's ports.</summary>
    public IReadOnlyList<PortForwardRecord> Forwards { get; init; } = [];
}
