using System.Globalization;
using System.Xml.Linq;

namespace Appliance.Hypervisor.Networking;

/// <summary>nwfilter XML from a <see cref="NetworkFilterSpec"/>, no policy: the libvirt side of security groups.</summary>
public static class NetworkFilterDesigner
{
    /// <summary>libvirt's anti-spoofing filter: the NIC sends only from its MAC and the IP parameters' addresses, and only IPv4 and ARP.</summary>
    public const string AntiSpoofingFilter = "clean-traffic";

    public static string ToXml(NetworkFilterSpec spec) =>
        new XElement("filter",
            new XAttribute("name", spec.Name),
            new XAttribute("chain", "root"),
            new XElement("uuid", spec.Uuid.ToString()),
            spec.Includes.Select(name => new XElement("filterref", new XAttribute("filter", name))),
            spec.Rules.Select(Rule)).ToString();

    private static XElement Rule(NetworkFilterRule rule)
    {
        // For traffic into the guest the peer is the source; for traffic out of it, the destination.
        var peer = rule.Direction == "in" ? "src" : "dst";
        var match = new XElement(rule.Protocol,
            rule.PeerAddress is null ? null : new XAttribute($"{peer}ipaddr", rule.PeerAddress),
            rule.PeerPrefixLength is null ? null : new XAttribute($"{peer}ipmask", Number(rule.PeerPrefixLength.Value)),
            rule.SourcePort is null ? null : new XAttribute("srcportstart", Number(rule.SourcePort.Value)),
            rule.PortStart is null ? null : new XAttribute("dstportstart", Number(rule.PortStart.Value)),
            rule.PortEnd is null ? null : new XAttribute("dstportend", Number(rule.PortEnd.Value)),
            rule.IcmpType is null ? null : new XAttribute("type", Number(rule.IcmpType.Value)),
            rule.IcmpCode is null ? null : new XAttribute("code", Number(rule.IcmpCode.Value)),
            rule.Stateful ? null : new XAttribute("statematch", "false"));
        return new XElement("rule",
            new XAttribute("action", rule.Action),
            new XAttribute("direction", rule.Direction),
            new XAttribute("priority", Number(rule.Priority)),
            match);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
