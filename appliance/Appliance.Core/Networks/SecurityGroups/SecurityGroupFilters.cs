using System.Security.Cryptography;
using System.Text;
using Appliance.Hypervisor.Networking;

namespace Appliance.Core.Networks;

/// <summary>
/// What the store's security groups mean as libvirt network filters: one per group (its IPv4 rules; a remote group's rule
/// once per address of the group's member ports) and one per filtered port (clean-traffic, DHCP, its groups, then a drop of
/// everything else). A port's NIC uses the port's filter, so a change to a group, a port's groups or a group's members is a
/// redefinition libvirt applies to running guests at once.
/// </summary>
internal static class SecurityGroupFilters
{
    /// <summary>DHCP, which every port gets whatever its groups (as Neutron allows it), is matched before the groups' rules...</summary>
    private const int DhcpPriority = 100;

    private const int RulePriority = 500;

    /// <summary>...and the drop after them.</summary>
    private const int DropPriority = 1000;

    /// <summary>Rule protocols nwfilter matches at the IP layer, by number; a rule of another protocol lets nothing through.</summary>
    private static readonly IReadOnlyDictionary<int, string> FilterProtocols = new Dictionary<int, string>
    {
        [SecurityGroupProtocols.Tcp] = "tcp",
        [SecurityGroupProtocols.Udp] = "udp",
        [SecurityGroupProtocols.Icmp] = "icmp",
        [132] = "sctp",
        [136] = "udplite",
        [50] = "esp",
        [51] = "ah",
        [2] = "igmp",
    };

    /// <summary>Only NICs on a bridge (the appliance's networks, provider bridges) can be filtered; user-mode NICs have no tap.</summary>
    public static bool IsFiltered(NetworkRecord network) => network.Kind != NetworkKinds.User;

    public static IReadOnlyList<NetworkFilterSpec> Build(NetworkNames names, IReadOnlyList<SecurityGroupRecord> groups, IReadOnlyList<PortRecord> ports,
        IReadOnlySet<string> filteredNetworkIds)
    {
        var members = ports
            .SelectMany(port => port.SecurityGroups.Select(group => (group, port)))
            .ToLookup(pair => pair.group, pair => pair.port, StringComparer.Ordinal);
        var known = groups.Select(group => group.Id).ToHashSet(StringComparer.Ordinal);
        var specs = groups.Select(group => GroupFilter(names, group, members)).ToList();
        specs.AddRange(ports.Where(port => filteredNetworkIds.Contains(port.NetworkId)).Select(port => PortFilter(names, port, known)));
        return specs;
    }

    public static NetworkFilterSpec GroupFilter(NetworkNames names, SecurityGroupRecord group, ILookup<string, PortRecord> members)
    {
        var name = names.GroupFilter(group.Id);
        return new NetworkFilterSpec
        {
            Name = name,
            Uuid = UuidOf(name),
            Rules = group.Rules.SelectMany(rule => Rules(rule, members, group.Stateful)).ToList(),
        };
    }

    public static NetworkFilterSpec PortFilter(NetworkNames names, PortRecord port, IReadOnlySet<string> knownGroups)
    {
        var name = names.PortFilter(port.Id);
        return new NetworkFilterSpec
        {
            Name = name,
            Uuid = UuidOf(name),
            Includes = [NetworkFilterDesigner.AntiSpoofingFilter, .. port.SecurityGroups.Where(knownGroups.Contains).Select(names.GroupFilter)],
            Rules =
            [
                new NetworkFilterRule("accept", "out", "udp") { Priority = DhcpPriority, SourcePort = 68, PortStart = 67, PortEnd = 67 },
                new NetworkFilterRule("accept", "in", "udp") { Priority = DhcpPriority, SourcePort = 67, PortStart = 68, PortEnd = 68 },
                new NetworkFilterRule("drop", "inout", "all") { Priority = DropPriority },
            ],
        };
    }

    /// <summary>One rule's nwfilter rules: none for IPv6 (clean-traffic lets no IPv6 through) or a protocol nwfilter can't match.</summary>
    private static IEnumerable<NetworkFilterRule> Rules(SecurityGroupRuleRecord rule, ILookup<string, PortRecord> members, bool stateful)
    {
        if (rule.Ethertype != SecurityGroupRuleRecord.Ethertypes.IPv4)
        {
            yield break;
        }

        var number = SecurityGroupProtocols.NumberOf(rule.Protocol);
        string protocol;
        if (number is null)
        {
            protocol = "all";
        }
        else if (!FilterProtocols.TryGetValue(number.Value, out protocol!))
        {
            yield break;
        }

        var direction = rule.Direction == SecurityGroupRuleRecord.Directions.Ingress ? "in" : "out";
        var icmp = number == SecurityGroupProtocols.Icmp;
        var ported = number is { } n && SecurityGroupProtocols.WithPorts.Contains(n);
        var template = new NetworkFilterRule("accept", direction, protocol)
        {
            Priority = RulePriority,
            Stateful = stateful,
            PortStart = ported ? rule.PortRangeMin : null,
            PortEnd = ported ? rule.PortRangeMax : null,
            IcmpType = icmp ? rule.PortRangeMin : null,
            IcmpCode = icmp ? rule.PortRangeMax : null,
        };
        if (rule.RemoteGroupId is { } remote)
        {
            var addresses = members[remote].SelectMany(port => port.FixedIps).Select(ip => ip.IpAddress)
                .Where(address => !address.Contains(':')).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            foreach (var address in addresses)
            {
                yield return template with { PeerAddress = address, PeerPrefixLength = 32 };
            }

            yield break;
        }

        if (rule.RemoteIpPrefix is { } text && IpPrefix.TryParse(text, out var prefix) && !prefix.Value.IsEverything)
        {
            yield return template with { PeerAddress = prefix.Value.Network.ToString(), PeerPrefixLength = prefix.Value.Length };
            yield break;
        }

        yield return template;
    }

    /// <summary>The same uuid for the same name every time: libvirt keeps a filter's uuid across redefinitions.</summary>
    private static Guid UuidOf(string name) => new(MD5.HashData(Encoding.UTF8.GetBytes(name)));
}
