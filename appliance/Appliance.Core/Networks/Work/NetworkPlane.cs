using System.Collections.Concurrent;
using Appliance.Hypervisor.Networking;

namespace Appliance.Core.Networks;

/// <summary>How the store's networks and ports look to the hypervisor: libvirt networks, DHCP entries, guest NICs, network_data.</summary>
public sealed class NetworkPlane(INetworkDriver driver, NetworkNames names)
{
    /// <summary>
    /// Where the metadata service listens: on the host's loopback, reached by every guest through its gateway. Not on each
    /// bridge: libvirt's dnsmasq binds DNS on every address of its bridge, so a second network's dnsmasq would find the
    /// address taken by the first one's and fail to start.
    /// </summary>
    public const string MetadataAddress = "169.254.169.254";

    public NetworkNames Names => names;

    internal static bool IsLibvirtManaged(NetworkRecord network) => network.Kind is NetworkKinds.Nat or NetworkKinds.Isolated;

    internal static VirtualNetworkSpec SpecFor(NetworkRecord network, SubnetRecord subnet, string dnsDomain) => new()
    {
        Name = network.LibvirtName!,
        Bridge = network.Bridge,
        Mode = network.Kind == NetworkKinds.Nat ? VirtualNetworkMode.Nat : VirtualNetworkMode.Isolated,
        GatewayIp = subnet.GatewayIp ?? Ipv4Cidr.Format(subnet.Range.FirstHost),
        PrefixLength = subnet.Range.PrefixLength,
        Mtu = network.Mtu,
        Dhcp = subnet.EnableDhcp,
        DnsDomain = dnsDomain,
    };

    internal Task EnsureAsync(NetworkRecord network, SubnetRecord subnet, string dnsDomain, CancellationToken cancellationToken) =>
        driver.EnsureAsync(SpecFor(network, subnet, dnsDomain), cancellationToken);

    /// <summary>Puts the metadata address on the host's loopback (again: a reboot or an admin may have taken it away).</summary>
    internal Task EnsureMetadataAddressAsync(CancellationToken cancellationToken) => driver.EnsureLoopbackAddressAsync(MetadataAddress, cancellationToken);

    // libvirt refuses two DHCP entries of one name on a network: names are checked and added one at a time per network.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _dhcpLocks = new(StringComparer.Ordinal);

    /// <summary>
    /// The entry's name, which dnsmasq answers in DNS: the server's hostname, unless another port on the network has it
    /// (two servers called "web"), then the hostname with the port's id. It must start with a letter.
    /// </summary>
    internal static string DhcpName(PortRecord port, string hostname, IReadOnlyList<DhcpHost> existing)
    {
        var name = hostname.Length > 0 && char.IsAsciiLetter(hostname[0]) ? hostname : $"port-{hostname}".TrimEnd('-');
        return existing.Any(host => host.Name == name && !string.Equals(host.Mac, port.MacAddress, StringComparison.OrdinalIgnoreCase))
            ? $"{name}-{port.Id[..8]}"
            : name;
    }

    /// <summary>Gives the port's address to its MAC by DHCP, on a libvirt network with DHCP; nothing to do elsewhere.</summary>
    internal async Task AddDhcpHostAsync(NetworkRecord network, SubnetRecord subnet, PortRecord port, string hostname, CancellationToken cancellationToken)
    {
        if (!IsLibvirtManaged(network) || !subnet.EnableDhcp || port.FixedIps.Count == 0)
        {
            return;
        }

        var gate = _dhcpLocks.GetOrAdd(network.LibvirtName!, _ => new SemaphoreSlim(1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var name = DhcpName(port, hostname, driver.DhcpHosts(network.LibvirtName!));
            await driver.AddDhcpHostAsync(network.LibvirtName!, new DhcpHost(port.MacAddress, port.FixedIps[0].IpAddress, name), cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    internal async Task RemoveDhcpHostAsync(NetworkRecord network, string mac, CancellationToken cancellationToken)
    {
        if (IsLibvirtManaged(network))
        {
            await driver.RemoveDhcpHostAsync(network.LibvirtName!, mac, cancellationToken);
        }
    }

    internal IReadOnlyList<DhcpHost> DhcpHosts(NetworkRecord network) => driver.DhcpHosts(network.LibvirtName!);

    internal IReadOnlyList<string> OwnLibvirtNetworks() => driver.ListNetworks(names.LibvirtPrefix);

    internal Task RemoveLibvirtNetworkAsync(string libvirtName, CancellationToken cancellationToken) => driver.RemoveAsync(libvirtName, cancellationToken);

    /// <summary>
    /// The guest's NIC for a port: on the libvirt network or the host bridge, allowed to send from its own addresses only;
    /// on a user network, the user-mode stack serving the subnet with the port's address, and the port's forwards.
    /// </summary>
    /// <remarks>A NIC on a bridge uses its port's filter (<paramref name="filterName"/>, see <see cref="SecurityGroupEnforcement"/>); user-mode NICs have none.</remarks>
    internal static GuestNic NicFor(PortRecord port, NetworkRecord network, SubnetRecord? subnet = null, IReadOnlyList<PortForwardRecord>? forwards = null,
        string? filterName = null) =>
        network.Kind == NetworkKinds.User
            ? new GuestNic
            {
                Mac = port.MacAddress,
                PortId = Guid.Parse(port.Id),
                Source = GuestNicSource.User,
                UserAddress = subnet is null || port.FixedIps.Count == 0 ? null : new UserModeAddress(subnet.Cidr, port.FixedIps[0].IpAddress),
                Forwards = (forwards ?? []).Select(f => new PortForward(f.HostAddress, f.HostPort, f.GuestPort)).ToList(),
            }
            : new GuestNic
            {
                Mac = port.MacAddress,
                PortId = Guid.Parse(port.Id),
                Source = IsLibvirtManaged(network) ? GuestNicSource.Network(network.LibvirtName!) : GuestNicSource.Bridge(network.Bridge),
                Mtu = network.Mtu,
                AllowedAddresses = port.FixedIps.Select(ip => ip.IpAddress).ToList(),
                FilterName = filterName,
            };

    /// <summary>What network_data.json says of the port: DHCP where the subnet has it, a static address with its routes elsewhere.</summary>
    internal static NetworkDataPort NetworkDataFor(PortRecord port, NetworkRecord network, SubnetRecord subnet) => new()
    {
        PortId = Guid.Parse(port.Id),
        NetworkId = Guid.Parse(network.Id),
        Mac = port.MacAddress,
        Mtu = network.Mtu,
        Ip = port.FixedIps[0].IpAddress,
        PrefixLength = subnet.Range.PrefixLength,
        Gateway = subnet.GatewayIp,
        Dhcp = subnet.EnableDhcp,
        // dnsmasq on the gateway answers for a libvirt network; a provider network names its own servers.
        DnsServers = subnet.DnsNameservers.Count > 0 ? subnet.DnsNameservers
            : IsLibvirtManaged(network) && subnet.GatewayIp is { } gateway ? [gateway] : [],
    };
}
