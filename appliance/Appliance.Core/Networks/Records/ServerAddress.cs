namespace Appliance.Core.Networks;

/// <summary>One fixed address of a server, as addresses and /ips show it: keyed by its network's name.</summary>
public sealed record ServerAddress(string NetworkName, string Address, int Version, string MacAddress, string PortId, int Position)
{
    /// <summary>On a user network: the host ports that reach the guest's ports.</summary>
    public IReadOnlyList<PortForwardRecord> Forwards { get; init; } = [];

    /// <summary>Nova's OS-EXT-IPS:type: "fixed", or "floating" for a floating IP NAT'd to the fixed address before it.</summary>
    public string Type { get; init; } = ServerAddressTypes.Fixed;
}

/// <summary>Nova's address types.</summary>
public static class ServerAddressTypes
{
    public const string Fixed = "fixed";
    public const string Floating = "floating";
}
