namespace Appliance.Hypervisor.Networking;

/// <summary>
/// A libvirt network filter (nwfilter): other filters it includes, then its rules. Rules of a filter and of the filters it
/// includes are applied in priority order (-1000 first, 1000 last), so a catch-all drop at 1000 comes after every accept.
/// </summary>
public sealed record NetworkFilterSpec
{
    public required string Name { get; init; }

    /// <summary>Stable per name: libvirt refuses a redefinition under the same name with another uuid.</summary>
    public required Guid Uuid { get; init; }

    /// <summary>Filters included, in order (e.g. clean-traffic, then the port's groups).</summary>
    public IReadOnlyList<string> Includes { get; init; } = [];

    public IReadOnlyList<NetworkFilterRule> Rules { get; init; } = [];
}

/// <summary>
/// One nwfilter rule at the IP layer: accept or drop traffic in one direction ("in" to the guest, "out" from it) of a
/// protocol (nwfilter's element: all, tcp, udp, icmp, sctp, udplite, esp, ah, igmp), to a destination port range or an
/// ICMP type/code, from (in) or to (out) a peer prefix. Stateful rules let the replies of what they accept back through.
/// </summary>
public sealed record NetworkFilterRule(string Action, string Direction, string Protocol)
{
    public int Priority { get; init; } = 500;

    public int? PortStart { get; init; }

    public int? PortEnd { get; init; }

    public int? IcmpType { get; init; }

    public int? IcmpCode { get; init; }

    /// <summary>Only for traffic from (in) or to (out) this address...</summary>
    public string? PeerAddress { get; init; }

    /// <summary>...with this prefix length.</summary>
    public int? PeerPrefixLength { get; init; }

    /// <summary>The local source port (e.g. a DHCP client's 68).</summary>
    public int? SourcePort { get; init; }

    public bool Stateful { get; init; } = true;
}
