using System.Globalization;
using System.Xml.Linq;

namespace Appliance.Hypervisor.Networking;

/// <summary>Writes a VirtualNetworkSpec as libvirt network XML.</summary>
public static class NetworkDesigner
{
    /// <summary>The kernel's limit on a device name (IFNAMSIZ less the NUL).</summary>
    public const int MaxBridgeNameLength = 15;

    /// <param name="hosts">The static DHCP entries; the only leases handed out, as the network has no range.</param>
    /// <param name="identity">The defined network's uuid and bridge MAC, for a redefinition: libvirt refuses another uuid under the same name.</param>
    public static string ToXml(VirtualNetworkSpec spec, IReadOnlyList<DhcpHost> hosts, NetworkIdentity? identity = null) =>
        ToElement(spec, hosts, identity).ToString();

    public static XElement ToElement(VirtualNetworkSpec spec, IReadOnlyList<DhcpHost> hosts, NetworkIdentity? identity = null)
    {
        if (spec.Bridge.Length > MaxBridgeNameLength)
        {
            throw new ArgumentException($"bridge name {spec.Bridge} is longer than {MaxBridgeNameLength} characters", nameof(spec));
        }

        return new XElement("network",
            new XElement("name", spec.Name),
            identity is null ? null : new XElement("uuid", identity.Uuid),
            // Routed, not libvirt's NAT: libvirt's NAT rejects every new connection into the subnet, a DNAT'd one (a floating IP)
            // too, and a reject in any base chain is final. The appliance's own nft table masquerades and isolates instead.
            spec.Mode == VirtualNetworkMode.Nat ? new XElement("forward", new XAttribute("mode", "route")) : null,
            new XElement("bridge", new XAttribute("name", spec.Bridge), new XAttribute("stp", "off")),
            identity?.Mac is null ? null : new XElement("mac", new XAttribute("address", identity.Mac)),
            new XElement("mtu", new XAttribute("size", Number(spec.Mtu))),
            spec.DnsDomain is null ? null : new XElement("domain", new XAttribute("name", spec.DnsDomain), new XAttribute("localOnly", "yes")),
            // No range: a MAC without an entry gets no lease. libvirt drops an empty dhcp element, and once entries exist it
            // starts dnsmasq with "dhcp-range=<gateway>,static", which serves exactly those.
            Ip(spec.GatewayIp, spec.PrefixLength, spec.Dhcp ? new XElement("dhcp", hosts.Select(HostElement)) : null),
            spec.ExtraAddresses.Select(extra => Ip(extra.Address, extra.PrefixLength, null)));
    }

    /// <summary>One static DHCP entry, as virNetworkUpdate takes it.</summary>
    public static string HostXml(DhcpHost host) => HostElement(host).ToString();

    /// <summary>The entry that names only the MAC: enough for virNetworkUpdate to find and delete it.</summary>
    public static string HostXml(string mac) => new XElement("host", new XAttribute("mac", mac.ToLowerInvariant())).ToString();

    private static XElement HostElement(DhcpHost host) =>
        new("host",
            // libvirt keeps a host's MAC as written; lower case, as it writes every other MAC.
            new XAttribute("mac", host.Mac.ToLowerInvariant()),
            // libvirt refuses an empty name (a host name must start with a letter).
            string.IsNullOrEmpty(host.Name) ? null : new XAttribute("name", host.Name),
            new XAttribute("ip", host.Ip));

    private static XElement Ip(string address, int prefixLength, XElement? dhcp) =>
        new("ip", new XAttribute("address", address), new XAttribute("prefix", Number(prefixLength)), dhcp);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
