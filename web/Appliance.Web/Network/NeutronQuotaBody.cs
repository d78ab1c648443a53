using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Web.Faults;

namespace Appliance.Web.Network;

/// <summary>Reads Neutron's {"quota": {"network": 10, ...}}: each value an integer (or a string of one), as Neutron converts them.</summary>
public static class NeutronQuotaBody
{
    public static IReadOnlyDictionary<string, int> Limits(JsonObject body)
    {
        if (body.Count != 1 || body["quota"] is not JsonObject fields)
        {
            throw Invalid("Resource body required: {\"quota\": {...}}");
        }

        var unknown = fields.Select(pair => pair.Key).Where(key => !NetworkQuotaResources.Defaults.ContainsKey(key)).ToList();
        if (unknown.Count > 0)
        {
            throw Invalid($"Unrecognized attribute(s) '{string.Join(", ", unknown)}'");
        }

        return fields.ToDictionary(pair => pair.Key, pair => Integer(pair.Key, pair.Value), StringComparer.Ordinal);
    }

    private static int Integer(string name, JsonNode? node) => node switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number) => number,
        JsonValue value when value.GetValueKind() == JsonValueKind.String
            && int.TryParse(value.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => throw NotAnInteger(name, value.GetValue<string>()),
        _ => throw NotAnInteger(name, node?.ToJsonString() ?? "None"),
    };

    private static FaultException NotAnInteger(string name, string value) => Invalid($"Invalid input for {name}. Reason: '{value}' is not an integer.");

    private static FaultException Invalid(string message) => new(Fault.BadRequest(message));
}
