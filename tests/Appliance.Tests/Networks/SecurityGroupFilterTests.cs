using Appliance.Core.Networks;
using Appliance.Hypervisor.Networking;

namespace Appliance.Tests.Networks;

/// <summary>What security groups become as libvirt network filters, compared as XML without libvirt.</summary>
public sealed class SecurityGroupFilterTests
{
    private static readonly NetworkNames Names = new("/var/lib/appliance-test");

    private const string Now = "2026-12-07T22:00:00.000000Z";

    private static SecurityGroupRuleRecord Rule(string group, string direction, string? protocol = null) => new()
    {
        Id = Guid.NewGuid().ToString(),
        SecurityGroupId = group,
        ProjectId = "p",
        Direction = direction,
        Ethertype = "IPv4",
        Protocol = protocol,
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    private static PortRecord Port(string id, string network, string address, params string[] groups) => new()
    {
        Id = id,
        NetworkId = network,
        ProjectId = "p",
        MacAddress = "fa:16:3e:00:00:01",
        SecurityGroups = groups,
        FixedIps = [new FixedIp("s", address)],
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    [Fact]
    public void AGroupsRules_BecomeAccepts_WithARemoteGroupExpandedToItsMembersAddresses()
    {
        var web = "11111111-1111-1111-1111-111111111111";
        var group = new SecurityGroupRecord
        {
            Id = web,
            ProjectId = "p",
            CreatedAt = Now,
            UpdatedAt = Now,
            Rules =
            [
                Rule(web, "egress"),
                Rule(web, "ingress", "tcp") with { PortRangeMin = 22, PortRangeMax = 22, RemoteIpPrefix = "10.1.2.3/8" },
                Rule(web, "ingress", "icmp") with { PortRangeMin = 8 },
                Rule(web, "ingress") with { RemoteGroupId = web },
                Rule(web, "ingress", "tcp") with { Ethertype = "IPv6", PortRangeMin = 80, PortRangeMax = 80 },
                Rule(web, "ingress", "gre"),
            ],
        };
        var members = new[] { Port("a", "n", "10.0.0.5", web), Port("b", "n", "10.0.0.6", web), Port("c", "n", "10.0.0.7") }
            .SelectMany(port => port.SecurityGroups.Select(g => (g, port))).ToLookup(pair => pair.g, pair => pair.port);

        var xml = NetworkFilterDesigner.ToXml(SecurityGroupFilters.GroupFilter(Names, group, members));

        var name = Names.GroupFilter(web);
        Assert.StartsWith($"<filter name=\"{name}\" chain=\"root\">", xml);
        Assert.Equal(
            """
            <rule action="accept" direction="out" priority="500"><all /></rule>
            <rule action="accept" direction="in" priority="500"><tcp srcipaddr="10.0.0.0" srcipmask="8" dstportstart="22" dstportend="22" /></rule>
            <rule action="accept" direction="in" priority="500"><icmp type="8" /></rule>
            <rule action="accept" direction="in" priority="500"><all srcipaddr="10.0.0.5" srcipmask="32" /></rule>
            <rule action="accept" direction="in" priority="500"><all srcipaddr="10.0.0.6" srcipmask="32" /></rule>
            """.ReplaceLineEndings("\n"),
            string.Join("\n", System.Xml.Linq.XElement.Parse(xml).Elements("rule").Select(rule => rule.ToString(System.Xml.Linq.SaveOptions.DisableFormatting))));
        // Redefining keeps the uuid: libvirt refuses a filter of the same name with another.
        Assert.Equal(xml, NetworkFilterDesigner.ToXml(SecurityGroupFilters.GroupFilter(Names, group, members)));
    }

    [Fact]
    public void APortsFilter_IsCleanTraffic_ItsGroups_Dhcp_AndADropOfTheRest_AndUserModePortsHaveNone()
    {
        var known = new HashSet<string> { "g1", "g2" };
        var spec = SecurityGroupFilters.PortFilter(Names, Port("p1", "n", "10.0.0.5", "g1", "gone", "g2"), known);
        Assert.Equal(["clean-traffic", Names.GroupFilter("g1"), Names.GroupFilter("g2")], spec.Includes);
        var xml = System.Xml.Linq.XElement.Parse(NetworkFilterDesigner.ToXml(spec));
        Assert.Equal(
            [
                """<rule action="accept" direction="out" priority="100"><udp srcportstart="68" dstportstart="67" dstportend="67" /></rule>""",
                """<rule action="accept" direction="in" priority="100"><udp srcportstart="67" dstportstart="68" dstportend="68" /></rule>""",
                """<rule action="drop" direction="inout" priority="1000"><all /></rule>""",
            ],
            xml.Elements("rule").Select(rule => rule.ToString(System.Xml.Linq.SaveOptions.DisableFormatting)));

        var specs = SecurityGroupFilters.Build(Names, [], [Port("p1", "bridged", "10.0.0.5"), Port("p2", "user", "10.0.2.15")], new HashSet<string> { "bridged" });
        Assert.Equal([Names.PortFilter("p1")], specs.Select(s => s.Name));
    }
}
