using System.Globalization;
using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Core.Servers;

namespace Appliance.Web.Network;

/// <summary>Floating IPs and their port forwardings with Neutron's fields, as JSON objects the list query filters and sorts.</summary>
public static class FloatingIpViews
{
    /// <param name="ports">The ports the caller may see, by id: the associated one's details (fip-port-details).</param>
    public static JsonObject FloatingIp(FloatingIpRecord fip, IReadOnlyList<PortForwardingRecord> forwardings, IReadOnlyDictionary<string, PortRecord> ports) => new()
    {
        ["id"] = fip.Id,
        ["floating_ip_address"] = fip.FloatingIpAddress,
        ["floating_network_id"] = fip.FloatingNetworkId,
        // No routers on the appliance: the host NATs between the external bridge and its own networks.
        ["router_id"] = null,
        ["port_id"] = fip.PortId,
        ["fixed_ip_address"] = fip.FixedIpAddress,
        ["status"] = fip.Status,
        ["project_id"] = fip.ProjectId,
        ["tenant_id"] = fip.ProjectId,
        ["description"] = fip.Description,
        ["port_details"] = fip.PortId is { } portId && ports.TryGetValue(portId, out var port) ? PortDetails(port) : null,
        ["port_forwardings"] = new JsonArray(forwardings.Select(f => (JsonNode)new JsonObject
        {
            ["protocol"] = f.Protocol,
            ["internal_ip_address"] = f.InternalIpAddress,
            ["internal_port"] = f.InternalPort,
            ["external_port"] = f.ExternalPort,
        }).ToArray()),
        ["tags"] = new JsonArray(),
        ["created_at"] = Time(fip.CreatedAt),
        ["updated_at"] = Time(fip.UpdatedAt),
        ["revision_number"] = fip.RevisionNumber,
    };

    public static JsonObject PortForwarding(PortForwardingRecord forwarding) => new()
    {
        ["id"] = forwarding.Id,
        ["protocol"] = forwarding.Protocol,
        ["external_port"] = forwarding.ExternalPort,
        ["internal_port"] = forwarding.InternalPort,
        ["internal_ip_address"] = forwarding.InternalIpAddress,
        ["internal_port_id"] = forwarding.InternalPortId,
        ["description"] = forwarding.Description,
    };

    private static JsonObject PortDetails(PortRecord port) => new()
    {
        ["name"] = port.Name,
        ["network_id"] = port.NetworkId,
        ["mac_address"] = port.MacAddress,
        ["admin_state_up"] = port.AdminStateUp,
        ["status"] = port.Status,
        ["device_id"] = port.DeviceId,
        ["device_owner"] = port.DeviceOwner,
    };

    /// <summary>Neutron's times: RFC 3339 in UTC, to the second.</summary>
    private static string Time(string stored) => Timestamps.Parse(stored).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
