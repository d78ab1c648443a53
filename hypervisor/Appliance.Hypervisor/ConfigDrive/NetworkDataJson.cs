using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Appliance.Hypervisor.Networking;

namespace Appliance.Hypervisor.ConfigDrive;

/// <summary>network_data.json as Nova's get_network_metadata writes it: a link per port, a network per address, DNS as services.</summary>
public static class NetworkDataJson
{
    /// <summary>Nova's link type for a VIF on a Linux bridge, one of the types it shows as they are (others become phy).</summary>
    public const string LinkType = "bridge";

    /// <summary>Keys in Nova's order; no ports is {}, as Nova writes when an instance has no network information.</summary>
    public static JsonObject For(IReadOnlyList<NetworkDataPort> ports)
    {
        if (ports.Count == 0)
        {
            return [];
        }

        var links = new JsonArray();
        var networks = new JsonArray();
        var services = new JsonArray();
        for (var index = 0; index < ports.Count; index++)
        {
            var port = ports[index];
            var link = TapName.For(port.PortId);
            links.Add(new JsonObject
            {
                ["id"] = link,
                ["vif_id"] = port.PortId.ToString("D"),
                ["type"] = LinkType,
                ["mtu"] = port.Mtu,
                ["ethernet_mac_address"] = port.Mac,
            });
            networks.Add(Network(port, $"network{index.ToString(CultureInfo.InvariantCulture)}", link));
            foreach (var dns in port.DnsServers.Where(dns => !services.Any(s => (string?)s!["address"] == dns)))
            {
                services.Add(DnsService(dns));
            }
        }

        return new JsonObject { ["links"] = links, ["networks"] = networks, ["services"] = services };
    }

    /// <summary>A DHCP network says only where; a static one carries the address, mask, default route and DNS servers.</summary>
    private static JsonObject Network(NetworkDataPort port, string id, string link)
    {
        var address = IPAddress.Parse(port.Ip);
        var version = address.AddressFamily == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4";
        if (port.Dhcp)
        {
            return new JsonObject
            {
                ["id"] = id,
                ["type"] = $"{version}_dhcp",
                ["link"] = link,
                ["network_id"] = port.NetworkId.ToString("D"),
            };
        }

        return new JsonObject
        {
            ["id"] = id,
            ["type"] = version,
            ["link"] = link,
            ["ip_address"] = port.Ip,
            ["netmask"] = AddressPrefix.Netmask(address, port.PrefixLength).ToString(),
            ["routes"] = port.Gateway is null ? new JsonArray() : new JsonArray(DefaultRoute(address, port.Gateway)),
            ["network_id"] = port.NetworkId.ToString("D"),
            ["services"] = new JsonArray(port.DnsServers.Select(dns => (JsonNode)DnsService(dns)).ToArray()),
        };
    }

    private static JsonObject DefaultRoute(IPAddress address, string gateway)
    {
        var any = address.AddressFamily == AddressFamily.InterNetworkV6 ? "::" : "0.0.0.0";
        return new JsonObject { ["network"] = any, ["netmask"] = any, ["gateway"] = gateway };
    }

    private static JsonObject DnsService(string address) => new() { ["type"] = "dns", ["address"] = address };
}
