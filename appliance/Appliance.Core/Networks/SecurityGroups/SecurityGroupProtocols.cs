using System.Globalization;

namespace Appliance.Core.Networks;

/// <summary>The IP protocols a rule may name, by Neutron's names, and what each is as a number.</summary>
public static class SecurityGroupProtocols
{
    public const int Icmp = 1;
    public const int Tcp = 6;
    public const int Udp = 17;
    public const int Icmpv6 = 58;

    public static readonly IReadOnlyDictionary<string, int> Numbers = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["ah"] = 51,
        ["dccp"] = 33,
        ["egp"] = 8,
        ["esp"] = 50,
        ["gre"] = 47,
        ["icmp"] = Icmp,
        ["icmpv6"] = Icmpv6,
        ["igmp"] = 2,
        ["ipip"] = 4,
        ["ipv6-encap"] = 41,
        ["ipv6-frag"] = 44,
        ["ipv6-icmp"] = Icmpv6,
        ["ipv6-nonxt"] = 59,
        ["ipv6-opts"] = 60,
        ["ipv6-route"] = 43,
        ["ospf"] = 89,
        ["pgm"] = 113,
        ["rsvp"] = 46,
        ["sctp"] = 132,
        ["tcp"] = Tcp,
        ["udp"] = Udp,
        ["udplite"] = 136,
        ["vrrp"] = 112,
    };

    /// <summary>The protocols whose rules take a port range (TCP, UDP, UDP-Lite, SCTP, DCCP), as Neutron allows.</summary>
    public static readonly IReadOnlySet<int> WithPorts = new HashSet<int> { Tcp, Udp, 136, 132, 33 };

    /// <summary>The protocol's number: a name or a number 0-255 as text; null for any (none given, or "any").</summary>
    public static int? NumberOf(string? protocol) =>
        protocol is null ? null
        : Numbers.TryGetValue(protocol, out var number) ? number
        : int.TryParse(protocol, NumberStyles.None, CultureInfo.InvariantCulture, out number) ? number
        : null;
}
