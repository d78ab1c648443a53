using System.Globalization;
using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Core.Servers;

namespace Appliance.Web.Network;

/// <summary>
/// Networks, subnets and ports with Neutron's fields. Each is a JSON object so that the list query (filters, fields,
/// sorting) works on exactly the attributes a client sees.
/// </summary>
public static class NeutronViews
{
    public static JsonObject Network(VisibleNetwork visible, bool isAdmin)
    {
        var network = visible.Network;
        var view = new JsonObject
        {
            ["id"] = network.Id,
            ["name"] = network.Name,
            ["status"] = network.AdminStateUp ? "ACTIVE" : "DOWN",
            ["admin_state_up"] = network.AdminStateUp,
            ["shared"] = network.Shared,
            ["subnets"] = Strings(visible.SubnetIds),
            ["project_id"] = network.ProjectId,
            ["tenant_id"] = network.ProjectId,
            ["router:external"] = network.RouterExternal,
            ["mtu"] = network.Mtu,
            ["port_security_enabled"] = true,
            ["description"] = network.Description,
            ["availability_zone_hints"] = new JsonArray(),
            ["availability_zones"] = new JsonArray("nova"),
            ["ipv4_address_scope"] = null,
            ["ipv6_address_scope"] = null,
            ["l2_adjacency"] = true,
            ["tags"] = new JsonArray(),
            ["created_at"] = Time(network.CreatedAt),
            ["updated_at"] = Time(network.UpdatedAt),
            ["revision_number"] = network.RevisionNumber,
        };
        if (isAdmin)
        {
            // Neutron shows the provider attributes to admins only: a LAN bridge is a flat physical network, the appliance's own are local.
            var provider = network.Kind == NetworkKinds.Provider;
            view["provider:network_type"] = provider ? "flat" : "local";
            view["provider:physical_network"] = provider ? network.Bridge : null;
            view["provider:segmentation_id"] = null;
        }

        return view;
    }

    public static JsonObject Subnet(SubnetRecord subnet) => new()
    {
        ["id"] = subnet.Id,
        ["name"] = subnet.Name,
        ["network_id"] = subnet.NetworkId,
        ["ip_version"] = subnet.IpVersion,
        ["cidr"] = subnet.Cidr,
        ["gateway_ip"] = subnet.GatewayIp,
        ["enable_dhcp"] = subnet.EnableDhcp,
        ["allocation_pools"] = new JsonArray(subnet.AllocationPools.Select(pool => (JsonNode)new JsonObject { ["start"] = pool.Start, ["end"] = pool.End }).ToArray()),
        ["dns_nameservers"] = Strings(subnet.DnsNameservers),
        ["host_routes"] = new JsonArray(),
        ["ipv6_address_mode"] = null,
        ["ipv6_ra_mode"] = null,
        ["subnetpool_id"] = null,
        ["segment_id"] = null,
        ["service_types"] = new JsonArray(),
        ["project_id"] = subnet.ProjectId,
        ["tenant_id"] = subnet.ProjectId,
        ["description"] = "",
        ["tags"] = new JsonArray(),
        ["created_at"] = Time(subnet.CreatedAt),
        ["updated_at"] = Time(subnet.UpdatedAt),
        ["revision_number"] = subnet.RevisionNumber,
    };

    public static JsonObject Port(PortRecord port, bool isAdmin)
    {
        var view = new JsonObject
        {
            ["id"] = port.Id,
            ["name"] = port.Name,
            ["network_id"] = port.NetworkId,
            ["mac_address"] = port.MacAddress,
            ["fixed_ips"] = new JsonArray(port.FixedIps.Select(ip => (JsonNode)new JsonObject { ["subnet_id"] = ip.SubnetId, ["ip_address"] = ip.IpAddress }).ToArray()),
            ["device_id"] = port.DeviceId,
            ["device_owner"] = port.DeviceOwner,
            ["status"] = port.Status,
            ["admin_state_up"] = port.AdminStateUp,
            ["security_groups"] = Strings(port.SecurityGroups),
            ["port_security_enabled"] = true,
            ["allowed_address_pairs"] = new JsonArray(),
            ["extra_dhcp_opts"] = new JsonArray(),
            ["binding:vnic_type"] = "normal",
            ["project_id"] = port.ProjectId,
            ["tenant_id"] = port.ProjectId,
            ["description"] = "",
            ["tags"] = new JsonArray(),
            ["created_at"] = Time(port.CreatedAt),
            ["updated_at"] = Time(port.UpdatedAt),
            ["revision_number"] = port.RevisionNumber,
        };
        if (isAdmin)
        {
            // Which host the port is bound on: there is one, and only admins may know its name.
            view["binding:host_id"] = port.DeviceId.Length > 0 ? ServerHost.Name : "";
        }

        return view;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(value => (JsonNode)JsonValue.Create(value)!).ToArray());

    /// <summary>Neutron's times: RFC 3339 in UTC, to the second.</summary>
    private static string Time(string stored) => Timestamps.Parse(stored).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
