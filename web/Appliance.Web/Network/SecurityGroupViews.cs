using System.Globalization;
using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Core.Servers;

namespace Appliance.Web.Network;

/// <summary>Security groups and their rules with Neutron's fields, as JSON objects the list query filters and projects.</summary>
public static class SecurityGroupViews
{
    public static JsonObject Group(SecurityGroupRecord group) => new()
    {
        ["id"] = group.Id,
        ["name"] = group.Name,
        ["description"] = group.Description,
        ["project_id"] = group.ProjectId,
        ["tenant_id"] = group.ProjectId,
        ["stateful"] = group.Stateful,
        ["shared"] = false,
        ["security_group_rules"] = new JsonArray(group.Rules.Select(rule => (JsonNode)Rule(rule, group.IsDefault)).ToArray()),
        ["tags"] = new JsonArray(),
        ["created_at"] = Time(group.CreatedAt),
        ["updated_at"] = Time(group.UpdatedAt),
        ["revision_number"] = group.RevisionNumber,
    };

    public static JsonObject Rule(SecurityGroupRuleRecord rule, bool inDefaultGroup) => new()
    {
        ["id"] = rule.Id,
        ["security_group_id"] = rule.SecurityGroupId,
        ["direction"] = rule.Direction,
        ["ethertype"] = rule.Ethertype,
        ["protocol"] = rule.Protocol,
        ["port_range_min"] = rule.PortRangeMin,
        ["port_range_max"] = rule.PortRangeMax,
        ["remote_ip_prefix"] = rule.RemoteIpPrefix,
        ["normalized_cidr"] = rule.NormalizedCidr,
        ["remote_group_id"] = rule.RemoteGroupId,
        ["remote_address_group_id"] = null,
        ["belongs_to_default_sg"] = inDefaultGroup,
        ["description"] = rule.Description,
        ["project_id"] = rule.ProjectId,
        ["tenant_id"] = rule.ProjectId,
        ["created_at"] = Time(rule.CreatedAt),
        ["updated_at"] = Time(rule.UpdatedAt),
        ["revision_number"] = rule.RevisionNumber,
    };

    /// <summary>Neutron's times: RFC 3339 in UTC, to the second.</summary>
    private static string Time(string stored) => Timestamps.Parse(stored).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
