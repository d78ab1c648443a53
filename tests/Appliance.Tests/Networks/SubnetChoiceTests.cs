using Appliance.Core.Networks;

namespace Appliance.Tests.Networks;

/// <summary>The default network's subnet: clear of the host's routes, different per data dir, or as configured.</summary>
public sealed class SubnetChoiceTests
{
    // Two routes as /proc/net/route writes them (hex, little-endian): default via 192.0.2.1, 10.0.2.0/24 on eth1.
    private const string RouteTable = """
        Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
        eth0	00000000	010200C0	0003	0	0	0	00000000	0	0	0
        eth1	0002000A	00000000	0001	0	0	0	00FFFFFF	0	0	0
        """;

    [Fact]
    public void HostRoutes_AreRead_WithoutTheDefaultRoute()
    {
        var routes = HostRoutes.Parse(RouteTable);
        Assert.Equal("10.0.2.0/24", Assert.Single(routes).ToString());
    }

    [Fact]
    public void Auto_SkipsWhatIsTaken_FromTheDataDirsStart()
    {
        var taken = new List<Ipv4Cidr> { Ipv4Cidr.Parse("10.5.0.0/24"), Ipv4Cidr.Parse("10.5.1.0/24"), Ipv4Cidr.Parse("10.5.2.0/23") };
        Assert.Equal("10.5.4.0/24", PrivateSubnetChoice.Choose("auto", 5, taken).ToString());
        Assert.Equal("10.6.0.0/24", PrivateSubnetChoice.Choose("auto", 6, taken).ToString());
        // A host route covering all of 10/8 leaves nothing to pick.
        Assert.Throws<InvalidOperationException>(() => PrivateSubnetChoice.Choose("auto", 5, [Ipv4Cidr.Parse("10.0.0.0/8")]));
    }

    [Fact]
    public void Configured_IsTaken_AsItIs_OrRefused()
    {
        Assert.Equal("192.168.77.0/24", PrivateSubnetChoice.Choose("192.168.77.9/24", 0, []).ToString());
        Assert.Throws<InvalidOperationException>(() => PrivateSubnetChoice.Choose("192.168.77.0/8", 0, []));
        Assert.Throws<InvalidOperationException>(() => PrivateSubnetChoice.Choose("not-a-cidr", 0, []));
    }

    [Fact]
    public void NamesOfTwoDataDirs_NeverCollide_AndBridgesFitTheKernelsLimit()
    {
        var one = new NetworkNames("/var/lib/appliance");
        var two = new NetworkNames("/tmp/another");
        var id = Guid.NewGuid().ToString();
        Assert.NotEqual(one.LibvirtName(id), two.LibvirtName(id));
        Assert.NotEqual(one.Bridge(id), two.Bridge(id));
        Assert.True(one.Bridge(id).Length <= 15);
        Assert.StartsWith(one.LibvirtPrefix, one.LibvirtName(id));
    }
}
