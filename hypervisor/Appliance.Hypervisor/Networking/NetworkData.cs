namespace Appliance.Hypervisor.Networking;

/// <summary>What network_data.json says of one port: its link and its address, as Nova writes it.</summary>
public sealed record NetworkDataPort
{
    public required Guid PortId { get; init; }

    public required Guid NetworkId { get; init; }

    public required string Mac { get; init; }

    public int Mtu { get; init; } = 1500;

    /// <summary>The fixed address; with Dhcp the guest asks DHCP for it (ipv4_dhcp), else it is set statically (ipv4).</summary>
    public required string Ip { get; init; }

    public required int PrefixLength { get; init; }

    public string? Gateway { get; init; }

    public bool Dhcp { get; init; } = true;

    public IReadOnlyList<string> DnsServers { get; init; } = [];
}
