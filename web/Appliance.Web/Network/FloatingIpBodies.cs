using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Web.Faults;

namespace Appliance.Web.Network;

/// <summary>Reads {"floatingip": {...}} and {"port_forwarding": {...}}: unknown attributes and values of the wrong kind are 400, as Neutron answers them.</summary>
public static class FloatingIpBodies
{
    private static readonly string[] CreateAttributes =
        ["floating_network_id", "floating_ip_address", "port_id", "fixed_ip_address", "description", "project_id", "tenant_id", "subnet_id"];

    private static readonly string[] UpdateAttributes = ["port_id", "fixed_ip_address", "description"];

    private static readonly string[] ForwardingAttributes = ["protocol", "external_port", "internal_port", "internal_port_id", "internal_ip_address", "description"];

    /// <summary>Neutron's port forwarding protocols the host's NAT carries.</summary>
    private static readonly string[] Protocols = ["tcp", "udp"];

    public static FloatingIpRequest FloatingIp(JsonObject body, bool create)
    {
        var fields = Resource(body, "floatingip", create ? CreateAttributes : UpdateAttributes);
        var project = Text(fields, "project_id");
        var tenant = Text(fields, "tenant_id");
        if (project is not null && tenant is not null && project != tenant)
        {
            throw Invalid("'project_id' and 'tenant_id' do not match");
        }

        return new FloatingIpRequest
        {
            FloatingNetworkId = create ? Text(fields, "floating_network_id") ?? throw Invalid("Failed to parse request. Required attribute 'floating_network_id' not specified") : null,
            FloatingIpAddress = Address(fields, "floating_ip_address"),
            PortId = Text(fields, "port_id"),
            PortGiven = fields.ContainsKey("port_id"),
            FixedIpAddress = Address(fields, "fixed_ip_address"),
            Description = Text(fields, "description"),
            ProjectId = project ?? tenant,
        };
    }

    public static PortForwardingRequest PortForwarding(JsonObject body, bool create)
    {
        var fields = Resource(body, "port_forwarding", ForwardingAttributes);
        if (create && ForwardingAttributes.Where(name => name != "description").FirstOrDefault(name => !fields.ContainsKey(name)) is { } missing)
        {
            throw Invalid($"Failed to parse request. Required attribute '{missing}' not specified");
        }

        var protocol = Text(fields, "protocol");
        if (protocol is not null && !Protocols.Contains(protocol))
        {
            throw Invalid($"Invalid input for protocol. Reason: {protocol} is not in valid_values [{string.Join(", ", Protocols)}].");
        }

        return new PortForwardingRequest
        {
            Protocol = protocol,
            ExternalPort = Port(fields, "external_port"),
            InternalPort = Port(fields, "internal_port"),
            InternalPortId = Text(fields, "internal_port_id"),
            InternalIpAddress = Address(fields, "internal_ip_address"),
            Description = Text(fields, "description"),
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

    private static string? Text(JsonObject fields, string name) => fields[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length <= 255 => value.GetValue<string>(),
        _ => throw Invalid($"Invalid input for {name}. Reason: not a string of at most 255 characters."),
    };

    private static string? Address(JsonObject fields, string name) =>
        Text(fields, name) is { } text && !Ipv4Cidr.TryParseAddress(text, out _)
            ? throw Invalid($"Invalid input for {name}. Reason: '{text}' is not a valid IP address.")
            : Text(fields, name);

    private static int? Port(JsonObject fields, string name) => fields[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var port) && port is >= 1 and <= 65535 => port,
        var other => throw Invalid($"Invalid input for {name}. Reason: '{other.ToJsonString()}' is not a port number between 1 and 65535."),
    };

    private static FaultException Invalid(string message) => new(Fault.BadRequest(message));
}
