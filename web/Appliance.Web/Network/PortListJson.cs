using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Networks;
using Appliance.Core.Servers;

namespace Appliance.Web.Network;

/// <summary>
/// A plain port list ({"ports": [...]}, no fields=, sort or paging), written straight to the response: the same members
/// in the same order as <see cref="NeutronViews.Port"/>, without building a JSON tree per port, which is what made a
/// 1,000-port list miss its 10 ms target.
/// </summary>
[JsonConverter(typeof(Converter))]
public sealed class PortListJson(IReadOnlyList<PortRecord> ports, bool isAdmin)
{
    public IReadOnlyList<PortRecord> Ports { get; } = ports;

    public bool IsAdmin { get; } = isAdmin;

    /// <summary>One port's view, member for member as <see cref="NeutronViews.Port"/> builds it.</summary>
    public static void WritePort(Utf8JsonWriter writer, PortRecord port, bool isAdmin)
    {
        writer.WriteStartObject();
        writer.WriteString("id", port.Id);
        writer.WriteString("name", port.Name);
        writer.WriteString("network_id", port.NetworkId);
        writer.WriteString("mac_address", port.MacAddress);
        writer.WriteStartArray("fixed_ips");
        foreach (var ip in port.FixedIps)
        {
            writer.WriteStartObject();
            writer.WriteString("subnet_id", ip.SubnetId);
            writer.WriteString("ip_address", ip.IpAddress);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("device_id", port.DeviceId);
        writer.WriteString("device_owner", port.DeviceOwner);
        writer.WriteString("status", port.Status);
        writer.WriteBoolean("admin_state_up", port.AdminStateUp);
        writer.WriteStartArray("security_groups");
        foreach (var group in port.SecurityGroups)
        {
            writer.WriteStringValue(group);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("port_security_enabled", true);
        EmptyArray(writer, "allowed_address_pairs");
        EmptyArray(writer, "extra_dhcp_opts");
        writer.WriteString("binding:vnic_type", "normal");
        writer.WriteString("project_id", port.ProjectId);
        writer.WriteString("tenant_id", port.ProjectId);
        writer.WriteString("description", "");
        EmptyArray(writer, "tags");
        writer.WriteString("created_at", Time(port.CreatedAt));
        writer.WriteString("updated_at", Time(port.UpdatedAt));
        writer.WriteNumber("revision_number", port.RevisionNumber);
        if (isAdmin)
        {
            // As in the tree view: the one host's name, to admins only.
            writer.WriteString("binding:host_id", port.DeviceId.Length > 0 ? ServerHost.Name : "");
        }

        writer.WriteEndObject();
    }

    private static void EmptyArray(Utf8JsonWriter writer, string name)
    {
        writer.WriteStartArray(name);
        writer.WriteEndArray();
    }

    /// <summary>Neutron's times: RFC 3339 in UTC, to the second (as <see cref="NeutronViews"/> writes them).</summary>
    private static string Time(string stored) => Timestamps.Parse(stored).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed class Converter : JsonConverter<PortListJson>
    {
        public override PortListJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("port lists are only written");

        public override void Write(Utf8JsonWriter writer, PortListJson value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("ports");
            foreach (var port in value.Ports)
            {
                WritePort(writer, port, value.IsAdmin);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
    }
}
