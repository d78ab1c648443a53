using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Web.Faults;

namespace Appliance.Web.Network;

/// <summary>
/// Reads {"security_group": {...}} and {"security_group_rule": {...}} as Neutron does: an attribute the resource does not
/// take is 400, a value of the wrong kind is 400 naming it, a port that is no number 0-65535 is SecurityGroupInvalidPortValue.
/// </summary>
public static class SecurityGroupBodies
{
    private static readonly string[] GroupAttributes = ["name", "description", "project_id", "tenant_id", "stateful"];

    private static readonly string[] RuleAttributes =
    [
        "security_group_id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id",
        "remote_address_group_id", "description", "project_id", "tenant_id",
    ];

    public static SecurityGroupRequest Group(JsonObject body, bool create)
    {
        var fields = Resource(body, "security_group", GroupAttributes);
        if (!create)
        {
            foreach (var readOnly in new[] { "project_id", "tenant_id", "stateful" }.Where(fields.ContainsKey))
            {
                throw Invalid($"Cannot update read-only attribute {readOnly}");
            }
        }

        return new SecurityGroupRequest(Text(fields, "name"), Text(fields, "description"), ProjectOf(fields), Flag(fields, "stateful"));
    }

    public static SecurityGroupRuleRequest Rule(JsonObject body)
    {
        var fields = Resource(body, "security_group_rule", RuleAttributes);
        if (fields["remote_address_group_id"] is not null)
        {
            throw Invalid("Invalid input for operation: address groups are not supported on the appliance.");
        }

        return new SecurityGroupRuleRequest(Required(fields, "security_group_id"), Required(fields, "direction"))
        {
            Ethertype = Text(fields, "ethertype"),
            Protocol = Protocol(fields["protocol"]),
            PortRangeMin = Port(fields["port_range_min"]),
            PortRangeMax = Port(fields["port_range_max"]),
            RemoteIpPrefix = Text(fields, "remote_ip_prefix") is { Length: > 0 } prefix ? prefix : null,
            RemoteGroupId = Text(fields, "remote_group_id"),
            Description = Text(fields, "description"),
            ProjectId = ProjectOf(fields),
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

    /// <summary>A protocol is a name or a number, as text or as a JSON number.</summary>
    private static string? Protocol(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number) => number.ToString(CultureInfo.InvariantCulture),
        _ => throw new SecurityGroupRuleInvalidException("SecurityGroupRuleInvalidProtocol", $"Security group rule protocol {node.ToJsonString()} not supported."),
    };

    /// <summary>A port is a number or a number as text (Neutron converts both), 0-65535 checked with the range.</summary>
    private static int? Port(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number) => number,
        JsonValue value when value.GetValueKind() == JsonValueKind.String
            && int.TryParse(value.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new SecurityGroupRuleInvalidException("SecurityGroupInvalidPortValue", $"Invalid value for port {Shown(node)}"),
    };

    private static string Shown(JsonNode node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node.ToJsonString();

    private static string? ProjectOf(JsonObject fields)
    {
        var project = Text(fields, "project_id");
        var tenant = Text(fields, "tenant_id");
        return project is not null && tenant is not null && project != tenant
            ? throw Invalid("'project_id' and 'tenant_id' do not match")
            : project ?? tenant;
    }

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
        var other => throw Invalid($"Invalid input for {name}. Reason: '{other.ToJsonString()}' cannot be converted to boolean."),
    };

    private static FaultException Invalid(string message) => new(Fault.BadRequest(message));
}
