using System.Xml.Linq;

namespace Appliance.Hypervisor.Networking;

/// <summary>Reads what the appliance cares about from libvirt network XML, its own or libvirt's.</summary>
public static class NetworkXmlReader
{
    /// <summary>The static DHCP entries of every ip element, in order.</summary>
    public static IReadOnlyList<DhcpHost> DhcpHosts(string xml) =>
        XElement.Parse(xml).Elements("ip").Elements("dhcp").Elements("host")
            .Select(h => new DhcpHost((string?)h.Attribute("mac") ?? "", (string?)h.Attribute("ip") ?? "", (string?)h.Attribute("name") ?? ""))
            .ToList();

    /// <summary>What libvirt gave the network at its first definition: its uuid and, for a bridge it makes, the bridge's MAC.</summary>
    public static NetworkIdentity Identity(string xml)
    {
        var network = XElement.Parse(xml);
        return new NetworkIdentity(
            (string?)network.Element("uuid") ?? throw new FormatException("network XML has no uuid"),
            (string?)network.Element("mac")?.Attribute("address"));
    }

    /// <summary>
    /// The parts the designer decides, so two networks compare equal when only libvirt's additions (uuid, bridge MAC,
    /// defaults such as the STP delay or NAT ports) or the DHCP entries differ.
    /// </summary>
    public static NetworkShape Shape(string xml)
    {
        var network = XElement.Parse(xml);
        var bridge = network.Element("bridge");
        var domain = network.Element("domain");
        return new NetworkShape(
            (string?)network.Element("name") ?? "",
            (string?)network.Element("forward")?.Attribute("mode"),
            (string?)bridge?.Attribute("name"),
            (string?)bridge?.Attribute("stp"),
            (string?)network.Element("mtu")?.Attribute("size"),
            (string?)domain?.Attribute("name"),
            (string?)domain?.Attribute("localOnly"),
            string.Join(" ", network.Elements("ip").Select(ip => $"{(string?)ip.Attribute("address")}/{(string?)ip.Attribute("prefix")}")));
    }
}

/// <summary>A defined network's uuid and bridge MAC, kept across redefinitions so the network stays the same one to libvirt and to the LAN.</summary>
public sealed record NetworkIdentity(string Uuid, string? Mac);

/// <summary>A network as the designer decides it: name, forward mode, bridge, MTU, DNS domain and the host's addresses.</summary>
public sealed record NetworkShape(
    string Name, string? ForwardMode, string? Bridge, string? Stp, string? Mtu, string? DnsDomain, string? DnsLocalOnly, string Addresses);
