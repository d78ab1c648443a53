using System.Globalization;

namespace Appliance.Core.Networks;

/// <summary>
/// Neutron's checks of a rule before it is stored, with its fault types and messages: direction and ethertype from their
/// lists, a known protocol, a port range only with a protocol that has ports (and min &lt;= max), ICMP type and code 0-255,
/// a prefix of the rule's ethertype, and never a prefix and a remote group together.
/// </summary>
public static class SecurityGroupRuleChecks
{
    private static readonly string[] Directions = [SecurityGroupRuleRecord.Directions.Ingress, SecurityGroupRuleRecord.Directions.Egress];

    /// <summary>The rule as it will be stored (protocol lower case, ethertype in Neutron's case), or a refusal.</summary>
    public static SecurityGroupRuleRequest Normalize(SecurityGroupRuleRequest request)
    {
        if (!Directions.Contains(request.Direction))
        {
            throw new InvalidRequestException($"Invalid input for direction. Reason: '{request.Direction}' is not in ['ingress', 'egress'].");
        }

        var ethertype = Ethertype(request.Ethertype);
        var protocol = Protocol(request.Protocol);
        if (request.RemoteIpPrefix is not null && request.RemoteGroupId is not null)
        {
            throw new SecurityGroupRuleInvalidException("SecurityGroupRemoteGroupAndRemoteIpPrefix", "Only remote_ip_prefix or remote_group_id may be provided.");
        }

        CheckPortRange(protocol, request.PortRangeMin, request.PortRangeMax);
        var number = SecurityGroupProtocols.NumberOf(protocol);
        if (number == SecurityGroupProtocols.Icmpv6 && ethertype == SecurityGroupRuleRecord.Ethertypes.IPv4)
        {
            throw new SecurityGroupRuleInvalidException("SecurityGroupEthertypeConflictWithProtocol",
                $"Security group rule for ethertype '{ethertype}' not supported. Allowed values are ['IPv6'] for protocol {protocol}.");
        }

        return request with { Ethertype = ethertype, Protocol = protocol, RemoteIpPrefix = Prefix(request.RemoteIpPrefix, ethertype) };
    }

    private static string Ethertype(string? given) =>
        given is null ? SecurityGroupRuleRecord.Ethertypes.IPv4
        : string.Equals(given, SecurityGroupRuleRecord.Ethertypes.IPv4, StringComparison.OrdinalIgnoreCase) ? SecurityGroupRuleRecord.Ethertypes.IPv4
        : string.Equals(given, SecurityGroupRuleRecord.Ethertypes.IPv6, StringComparison.OrdinalIgnoreCase) ? SecurityGroupRuleRecord.Ethertypes.IPv6
        : throw new InvalidRequestException($"Invalid input for ethertype. Reason: '{given}' is not in ['IPv4', 'IPv6'].");

    /// <summary>A known name (any case) or a number 0-255; "any" and none are any protocol.</summary>
    private static string? Protocol(string? given)
    {
        if (given is null || given.Length == 0 || string.Equals(given, "any", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var lower = given.ToLowerInvariant();
        if (SecurityGroupProtocols.Numbers.ContainsKey(lower))
        {
            return lower;
        }

        return int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 0 and <= 255
            ? number.ToString(CultureInfo.InvariantCulture)
            : throw new SecurityGroupRuleInvalidException("SecurityGroupRuleInvalidProtocol",
                $"Security group rule protocol {given} not supported. Only protocol values [None, {string.Join(", ", SecurityGroupProtocols.Numbers.Keys.Order(StringComparer.Ordinal).Select(name => $"'{name}'"))}] and integer representations [0 to 255] are supported.");
    }

    private static void CheckPortRange(string? protocol, int? min, int? max)
    {
        foreach (var port in new[] { min, max }.OfType<int>().Where(port => port is < 0 or > 65535))
        {
            throw new SecurityGroupRuleInvalidException("SecurityGroupInvalidPortValue", $"Invalid value for port {port}");
        }

        if (min is null && max is null)
        {
            return;
        }

        var number = SecurityGroupProtocols.NumberOf(protocol)
            ?? throw new SecurityGroupRuleInvalidException("SecurityGroupProtocolRequiredWithPorts", "Must also specify protocol if port range is given.");
        if (SecurityGroupProtocols.WithPorts.Contains(number))
        {
            if (min == 0 || max == 0)
            {
                throw new SecurityGroupRuleInvalidException("SecurityGroupInvalidPortValue", "Invalid value for port 0");
            }

            if (min is null || max is null || min > max)
            {
                throw new SecurityGroupRuleInvalidException("SecurityGroupInvalidPortRange", "For TCP/UDP protocols, port_range_min must be <= port_range_max");
            }

            return;
        }

        if (number is SecurityGroupProtocols.Icmp or SecurityGroupProtocols.Icmpv6)
        {
            foreach (var (value, field, attribute) in new[] { (min, "type", "port_range_min"), (max, "code", "port_range_max") })
            {
                if (value is > 255)
                {
                    throw new SecurityGroupRuleInvalidException("SecurityGroupInvalidIcmpValue",
                        $"Invalid value for ICMP {field} ({attribute}) {value}. It must be 0 to 255.");
                }
            }

            if (min is null && max is not null)
            {
                throw new SecurityGroupRuleInvalidException("SecurityGroupMissingIcmpType",
                    $"ICMP code (port-range-max) {max} is provided but ICMP type (port-range-min) is missing.");
            }

            return;
        }

        // Other protocols have no ports: one "port" is taken as Neutron takes it, a range is refused.
        if (min != max)
        {
            throw new SecurityGroupRuleInvalidException("SecurityGroupInvalidProtocolForPortRange",
                $"Invalid protocol {protocol} for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.");
        }
    }

    private static string? Prefix(string? given, string ethertype)
    {
        if (given is null)
        {
            return null;
        }

        if (!IpPrefix.TryParse(given, out var prefix))
        {
            throw new SecurityGroupRuleInvalidException("InvalidCIDR", $"Invalid CIDR {given} given as IP prefix.");
        }

        var family = prefix.Value.IsIPv6 ? SecurityGroupRuleRecord.Ethertypes.IPv6 : SecurityGroupRuleRecord.Ethertypes.IPv4;
        return family == ethertype
            ? given.Contains('/') ? given : prefix.Value.ToString()
            : throw new SecurityGroupRuleInvalidException("SecurityGroupRuleParameterConflict", $"Conflicting value ethertype {ethertype} for CIDR {given}");
    }

    /// <summary>Whether two rules let the same traffic through (the description aside; a prefix of every address is none, a protocol name is its number).</summary>
    public static bool SameTraffic(SecurityGroupRuleRecord rule, SecurityGroupRuleRequest request) =>
        rule.Direction == request.Direction && rule.Ethertype == request.Ethertype
        && SecurityGroupProtocols.NumberOf(rule.Protocol) == SecurityGroupProtocols.NumberOf(request.Protocol)
        && rule.PortRangeMin == request.PortRangeMin && rule.PortRangeMax == request.PortRangeMax
        && rule.RemoteGroupId == request.RemoteGroupId
        && Peers(rule.RemoteIpPrefix) == Peers(request.RemoteIpPrefix);

    private static string? Peers(string? prefix) =>
        prefix is not null && IpPrefix.TryParse(prefix, out var parsed) ? parsed.Value.IsEverything ? null : parsed.Value.ToString() : prefix;
}
