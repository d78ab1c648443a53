using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Appliance.Core.Quotas;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Appliance.Web.Microversions;

namespace Appliance.Web.Compute.Quotas;

/// <summary>
/// A PUT /os-quota-sets/{id} body checked as Nova's schema checks it (quota_sets.update, update_v236): each
/// limit an integer or a string of digits from -1 to 2147483647, "force" one of oslo's booleans, nothing else.
/// Errors come in the schema's order, so the first one Nova would report is the one reported.
/// </summary>
public sealed partial record QuotaSetUpdate(IReadOnlyList<KeyValuePair<string, int>> Limits, bool Force)
{
    private const string QuotaSet = "quota_set";
    private const string ForceKey = "force";
    private const string Networks = "networks";
    private const string LimitPattern = "^-?[0-9]+$";

    /// <summary>The schema's property order: Nova reports the first bad property in this order.</summary>
    private static readonly string[] SchemaOrder =
    [
        QuotaResources.Instances, QuotaResources.Cores, QuotaResources.Ram, QuotaResources.FloatingIps, QuotaResources.FixedIps,
        QuotaResources.MetadataItems, QuotaResources.KeyPairs, QuotaResources.SecurityGroups, QuotaResources.SecurityGroupRules,
        QuotaResources.InjectedFiles, QuotaResources.InjectedFileContentBytes, QuotaResources.InjectedFilePathBytes,
        QuotaResources.ServerGroups, QuotaResources.ServerGroupMembers, Networks,
    ];

    private static readonly string[] TrueStrings = ["True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes"];
    private static readonly string[] FalseStrings = ["False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"];

    /// <summary>parameter_types.boolean's enum as jsonschema prints it.</summary>
    private static readonly string BooleanEnumRepr =
        "[True, " + string.Join(", ", TrueStrings.Select(SchemaMessages.ReprString)) + ", False, " + string.Join(", ", FalseStrings.Select(SchemaMessages.ReprString)) + "]";

    public static QuotaSetUpdate Parse(JsonObject body, ApiVersion version)
    {
        if (!body.TryGetPropertyValue(QuotaSet, out var node))
        {
            throw Invalid(SchemaMessages.Required(QuotaSet));
        }

        var unexpected = body.Select(pair => pair.Key).Where(key => key != QuotaSet).ToList();
        if (node is not JsonObject quotaSet)
        {
            throw Invalid(SchemaMessages.InvalidField(QuotaSet, node, SchemaMessages.NotOfType(node, "object")));
        }

        var accepted = SchemaOrder
            .Where(key => key == Networks ? version < ComputeMicroversions.NetworkQuotasRemoved : QuotaSetVisibility.Resources(version).Contains(key))
            .ToList();
        var limits = new List<KeyValuePair<string, int>>();
        foreach (var key in accepted.Where(quotaSet.ContainsKey))
        {
            var limit = Limit(key, quotaSet[key]);
            // networks was nova-network's own quota; it is accepted below 2.36 and has nothing to limit here.
            if (key != Networks)
            {
                limits.Add(KeyValuePair.Create(key, limit));
            }
        }

        var force = quotaSet.TryGetPropertyValue(ForceKey, out var forceNode) && Boolean(forceNode);
        var extra = quotaSet.Select(pair => pair.Key).Where(key => key != ForceKey && !accepted.Contains(key)).ToList();
        if (extra.Count > 0)
        {
            throw Invalid(SchemaMessages.AdditionalProperties(extra));
        }

        if (unexpected.Count > 0)
        {
            throw Invalid(SchemaMessages.AdditionalProperties(unexpected));
        }

        // Nova applies them in the body's order; the first limit below usage is the one refused.
        var order = quotaSet.Select(pair => pair.Key).ToList();
        return new QuotaSetUpdate(limits.OrderBy(pair => order.IndexOf(pair.Key)).ToList(), force);
    }

    /// <summary>common_quota: type integer or string, pattern, then minimum -1 and maximum MAX_INT.</summary>
    private static int Limit(string key, JsonNode? node)
    {
        var kind = node?.GetValueKind();
        long value;
        if (kind == JsonValueKind.String)
        {
            var text = node!.GetValue<string>();
            if (!LimitRegex().IsMatch(text))
            {
                throw Invalid(SchemaMessages.InvalidField(key, node, SchemaMessages.DoesNotMatch(node, LimitPattern)));
            }

            // Digits beyond a long are far past the maximum either way.
            value = long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var parsed) ? parsed : long.MaxValue;
        }
        else if (kind == JsonValueKind.Number && IntegralNumber(node!, out var number))
        {
            value = number;
        }
        else
        {
            throw Invalid(SchemaMessages.InvalidField(key, node, SchemaMessages.NotOfType(node, "integer", "string")));
        }

        if (value < QuotaResources.Unlimited)
        {
            throw Invalid(SchemaMessages.InvalidField(key, JsonValue.Create(value), SchemaMessages.LessThanMinimum(value, QuotaResources.Unlimited)));
        }

        if (value > QuotaResources.MaxLimit)
        {
            throw Invalid(SchemaMessages.InvalidField(key, JsonValue.Create(value), SchemaMessages.GreaterThanMaximum(value, QuotaResources.MaxLimit)));
        }

        return (int)value;
    }

    /// <summary>jsonschema counts 5.0 as an integer, as Nova's validator does.</summary>
    private static bool IntegralNumber(JsonNode node, out long value)
    {
        var number = node.GetValue<JsonElement>();
        if (number.TryGetInt64(out value))
        {
            return true;
        }

        var real = number.GetDouble();
        value = real >= long.MaxValue ? long.MaxValue : real <= long.MinValue ? long.MinValue : (long)real;
        return Math.Floor(real) == real && !double.IsInfinity(real);
    }

    private static bool Boolean(JsonNode? node)
    {
        switch (node?.GetValueKind())
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String:
                var text = node.GetValue<string>();
                if (TrueStrings.Contains(text))
                {
                    return true;
                }

                if (FalseStrings.Contains(text))
                {
                    return false;
                }

                throw Invalid(SchemaMessages.InvalidField(ForceKey, node, SchemaMessages.NotOneOf(node, BooleanEnumRepr)));
            default:
                throw Invalid(SchemaMessages.InvalidField(ForceKey, node, SchemaMessages.NotOfType(node, "boolean", "string")));
        }
    }

    private static FaultException Invalid(string message) => new(Fault.BadRequest(message));

    [GeneratedRegex(LimitPattern)]
    private static partial Regex LimitRegex();
}
