using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Web.Faults;

namespace Appliance.Web.Network;

/// <summary>
/// Reads Neutron's write bodies, {"network": {...}} and kin: an attribute the resource does not take is 400
/// ("Unrecognized attribute(s)"), a value of the wrong kind is 400 naming the attribute, as Neutron answers them.
/// </summary>
public static class NeutronBodies
{
    private static readonly string[] NetworkAttributes = ["name", "description", "admin_state_up", "shared", "project_id", "tenant_id", "mtu", "port_security_enabled", "availability_zone_hints", "router:external"];

    private static readonly string[] SubnetAttributes =
        ["network_id", "cidr", "ip_version", "name", "description", "gateway_ip", "enable_dhcp", "allocation_pools", "dns_nameservers", "project_id", "tenant_id", "host_routes"];

    private static readonly string[] PortAttributes = ["network_id", "name", "description", "fixed_ips", "admin_state_up", "project_id", "tenant_id", "security_groups"];

    public static NetworkRequest Network(JsonObject body, bool create)
    {
        var fields = Resource(body, "network", NetworkAttributes);
        return new NetworkRequest(
            Text(fields, "name"), Text(fields, "description"), Flag(fields, "admin_state_up"),
            create ? Flag(fields, "shared") : ReadOnlyOnUpdate(fields, "shared"), ProjectOf(fields))
        {
            RouterExternal = Flag(fields, "router:external"),
        };
    }

    public static SubnetRequest Subnet(JsonObject body)
    {
        var fields = Resource(body, "subnet", SubnetAttributes);
        var gatewayGiven = fields.TryGetPropertyValue("gateway_ip", out var gateway);
        return new SubnetRequest(Required(fields, "network_id"), Required(fields, "cidr"))
        {
            Name = Text(fields, "name"),
            IpVersion = fields["ip_version"] is { } version ? Number(version, "ip_version") : 4,
            GatewayIp = gatewayGiven && gateway is not null ? Text(fields, "gateway_ip") : null,
            NoGateway = gatewayGiven && gateway is null,
            EnableDhcp = Flag(fields, "enable_dhcp") ?? true,
            AllocationPools = fields["allocation_pools"] is { } pools ? Pools(pools) : null,
            DnsNameservers = fields["dns_nameservers"] is { } dns ? Strings(dns, "dns_nameservers") : [],
        };
    }

    public static PortRequest Port(JsonObject body, bool create)
    {
        var fields = Resource(body, "port", PortAttributes);
        if (!create && fields.ContainsKey("network_id"))
        {
            throw Invalid("Cannot update read-only attribute network_id");
        }

        var fixedIp = fields["fixed_ips"] is { } ips ? FixedIp(ips) : null;
        if (!create && fields.ContainsKey("fixed_ips"))
        {
            throw Invalid("Invalid input for operation: changing a port's fixed_ips is not supported on the appliance.");
        }

        return new PortRequest(create ? Required(fields, "network_id") : "", Text(fields, "name"), fixedIp, ProjectOf(fields))
        {
            SecurityGroups = fields.TryGetPropertyValue("security_groups", out var groups) ? GroupIds(groups) : null,
        };
    }

    private static JsonObject Resource(JsonObject body, string name, string[] attributes)
    {
        if (body.Count != 1 || body[name] is not JsonObject fields)
        {
            throw Invalid($"Resource body required: {{\"{name}\": {{...}}}}");
        }

        var unknown = fields.Select(pair => pair.Key).Where(key => !attributes.Contains(key)).ToList();
        return unknown.Count == 0 ? fields : throw Invalid($"Unrecognized attribute(s) '{string.Join(", ", unknown)}'");
    }

    private static string? ProjectOf(JsonObject fields)
    {
        var project = Text(fields, "project_id");
        var tenant = Text(fields, "tenant_id");
        return project is not null && tenant is not null && project != tenant
            ? throw Invalid("'project_id' and 'tenant_id' do not match")
            : project ?? tenant;
    }

    private static bool? ReadOnlyOnUpdate(JsonObject fields, string name) =>
        fields.ContainsKey(name) ? throw Invalid($"Invalid input for operation: changing {name} is not supported on the appliance.") : null;

    private static string Required(JsonObject fields, string name) =>
        Text(fields, name) ?? throw Invalid($"Failed to parse request. Required attribute '{name}' not specified");

    private static string? Text(JsonObject fields, string name) => fields[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length <= 255 => value.GetValue<string>(),
        _ => throw Invalid($"Invalid input for {name}. Reason: not a string of at most 255 characters."),
    };

    private static bool? Flag(JsonObject fields, string name) => fields[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String && bool.TryParse(value.GetValue<string>(), out var parsed) => parsed,
        var other => throw Invalid($"Invalid input for {name}. Reason: '{other.ToJsonString()}' cannot be converted to boolean."),
    };

    private static int Number(JsonNode node, string name) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number)
            ? number
            : throw Invalid($"Invalid input for {name}. Reason: '{node.ToJsonString()}' is not an integer.");

    private static List<string> Strings(JsonNode node, string name) =>
        node is JsonArray list && list.All(item => item is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            ? list.Select(item => item!.GetValue<string>()).ToList()
            : throw Invalid($"Invalid input for {name}. Reason: '{node.ToJsonString()}' is not a list of strings.");

    private static List<AllocationPool> Pools(JsonNode node) =>
        node is JsonArray list && list.All(item => item is JsonObject pool && pool.Count == 2 && pool["start"] is JsonValue && pool["end"] is JsonValue)
            ? list.Select(item => new AllocationPool(Text(item!.AsObject(), "start")!, Text(item.AsObject(), "end")!)).ToList()
            : throw Invalid($"Invalid input for allocation_pools. Reason: '{node.ToJsonString()}' is not a list of {{start, end}}.");

    /// <summary>A port's security_groups: a list of group ids (null or [] for none, as Neutron takes them).</summary>
    private static List<string> GroupIds(JsonNode? node) =>
        node is null ? []
        : node is JsonArray list && list.All(item => item is JsonValue value && value.GetValueKind() == JsonValueKind.String && Guid.TryParse(value.GetValue<string>(), out _))
            ? list.Select(item => item!.GetValue<string>()).ToList()
            : throw Invalid($"Invalid input for security_groups. Reason: '{node.ToJsonString()}' is not a list of security group ids.");

    /// <summary>The one address asked for: fixed_ips [{"ip_address": ...}] (a subnet_id alone is "any on it": the network has one).</summary>
    private static string? FixedIp(JsonNode node)
    {
        if (node is not JsonArray list || list.Count > 1 || list.Any(item => item is not JsonObject entry || entry.Any(pair => pair.Key is not ("ip_address" or "subnet_id"))))
        {
            throw Invalid($"Invalid input for fixed_ips. Reason: '{node.ToJsonString()}' is not a list of at most one {{ip_address, subnet_id}}.");
        }

        return list.Count == 1 ? Text(list[0]!.AsObject(), "ip_address") : null;
    }

    private static FaultException Invalid(string message) => new(Fault.BadRequest(message));
}
