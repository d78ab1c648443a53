namespace Appliance.Hypervisor.Networking;

/// <summary>A libvirt-managed network the appliance owns: a bridge with an address, DHCP from static host entries only.</summary>
public sealed record VirtualNetworkSpec
{
    /// <summary>The libvirt network name; unique on the host (derived from the data dir, so two appliances never collide).</summary>
    public required string Name { get; init; }

    /// <summary>The bridge libvirt makes; at most 15 characters.</summary>
    public required string Bridge { get; init; }

    public required VirtualNetworkMode Mode { get; init; }

    /// <summary>The gateway, which is the host's own address on the bridge, and the subnet's prefix length.</summary>
    public required string GatewayIp { get; init; }

    public required int PrefixLength { get; init; }

    public int Mtu { get; init; } = 1500;

    /// <summary>False: no dnsmasq DHCP; guests are configured statically from network_data.json.</summary>
    public bool Dhcp { get; init; } = true;

    /// <summary>The DNS domain dnsmasq answers guest names in; null for none.</summary>
    public string? DnsDomain { get; init; }

    /// <summary>More host addresses on the bridge, without DHCP (the metadata service's 169.254.169.254/32).</summary>
    public IReadOnlyList<(string Address, int PrefixLength)> ExtraAddresses { get; init; } = [];
}

public enum VirtualNetworkMode
{
    /// <summary>Guests reach outside through the host's NAT: libvirt routes the subnet, the appliance's nft table masquerades it (GuestNatSpec).</summary>
    Nat,

    /// <summary>Guests reach each other and the host only.</summary>
    Isolated,
}

/// <summary>A static DHCP entry: the guest with this MAC gets this address and name.</summary>
public sealed record DhcpHost(string Mac, string Ip, string Name);
