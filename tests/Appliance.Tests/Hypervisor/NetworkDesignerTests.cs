using System.Xml.Linq;
using Appliance.Hypervisor.Networking;

namespace Appliance.Tests.Hypervisor;

public sealed class NetworkDesignerTests
{
    private static VirtualNetworkSpec Spec() => new()
    {
        Name = "appliance-net",
        Bridge = "aplbr0",
        Mode = VirtualNetworkMode.Nat,
        GatewayIp = "10.0.0.1",
        PrefixLength = 24,
        Mtu = 1450,
        DnsDomain = "appliance.local",
        ExtraAddresses = [("169.254.169.254", 32)],
    };

    [Fact]
    public void NatNetwork_IsRouted_HasBridgeMtuDomain_DhcpOfHostsOnly_AndTheExtraAddressWithoutDhcp()
    {
        var xml = NetworkDesigner.ToXml(Spec(), [new DhcpHost("FA:16:3E:00:00:01", "10.0.0.11", "web-1")]);
        var expected = """
            <network>
              <name>appliance-net</name>
              <forward mode="route" />
              <bridge name="aplbr0" stp="off" />
              <mtu size="1450" />
              <domain name="appliance.local" localOnly="yes" />
              <ip address="10.0.0.1" prefix="24">
                <dhcp>
                  <host mac="fa:16:3e:00:00:01" name="web-1" ip="10.0.0.11" />
                </dhcp>
              </ip>
              <ip address="169.254.169.254" prefix="32" />
            </network>
            """;
        Assert.Equal(XElement.Parse(expected).ToString(), xml);
    }

    [Fact]
    public void Isolated_HasNoForward_NoDhcpHasNoDhcpElement_NoDomainHasNoDomainElement()
    {
        var network = NetworkDesigner.ToElement(Spec() with { Mode = VirtualNetworkMode.Isolated, Dhcp = false, DnsDomain = null }, [new DhcpHost("fa:16:3e:00:00:01", "10.0.0.11", "web-1")]);
        Assert.Null(network.Element("forward"));
        Assert.Null(network.Element("domain"));
        Assert.Empty(network.Descendants("dhcp"));
    }

    [Fact]
    public void NoHostsYet_IsAnEmptyDhcp_WhichLibvirtDrops()
    {
        var ip = NetworkDesigner.ToElement(Spec(), []).Element("ip")!;
        Assert.Equal("<dhcp />", ip.Element("dhcp")!.ToString());
    }

    [Fact]
    public void Redefinition_CarriesTheUuidAndBridgeMac()
    {
        var network = NetworkDesigner.ToElement(Spec(), [], new NetworkIdentity("0b0e9a57-3f0e-4a53-8d3e-5e6a1c2b7d44", "52:54:00:12:34:56"));
        Assert.Equal("0b0e9a57-3f0e-4a53-8d3e-5e6a1c2b7d44", (string?)network.Element("uuid"));
        Assert.Equal("52:54:00:12:34:56", (string?)network.Element("mac")!.Attribute("address"));
    }

    [Fact]
    public void ABridgeNameOverFifteenCharacters_IsRefused() =>
        Assert.Throws<ArgumentException>(() => NetworkDesigner.ToXml(Spec() with { Bridge = "a-bridge-name-too-long" }, []));

    [Fact]
    public void Shape_IgnoresWhatLibvirtAdds_AndTheDhcpHosts()
    {
        var libvirts = """
            <network connections='2'>
              <name>appliance-net</name>
              <uuid>0b0e9a57-3f0e-4a53-8d3e-5e6a1c2b7d44</uuid>
              <forward mode='route'/>
              <bridge name='aplbr0' stp='off' delay='0'/>
              <mac address='52:54:00:12:34:56'/>
              <mtu size='1450'/>
              <domain name='appliance.local' localOnly='yes'/>
              <ip address='10.0.0.1' prefix='24'><dhcp><host mac='fa:16:3e:00:00:01' name='web-1' ip='10.0.0.11'/></dhcp></ip>
              <ip address='169.254.169.254' prefix='32'></ip>
            </network>
            """;
        Assert.Equal(NetworkXmlReader.Shape(NetworkDesigner.ToXml(Spec(), [])), NetworkXmlReader.Shape(libvirts));
        Assert.NotEqual(NetworkXmlReader.Shape(NetworkDesigner.ToXml(Spec() with { Mtu = 1500 }, [])), NetworkXmlReader.Shape(libvirts));
        // An older appliance's libvirt NAT network is redefined as routed (its masquerade moves to the appliance's nft table).
        var olderNat = libvirts.Replace("<forward mode='route'/>", "<forward mode='nat'><nat><port start='1024' end='65535'/></nat></forward>");
        Assert.NotEqual(NetworkXmlReader.Shape(NetworkDesigner.ToXml(Spec(), [])), NetworkXmlReader.Shape(olderNat));
        Assert.Equal([new DhcpHost("fa:16:3e:00:00:01", "10.0.0.11", "web-1")], NetworkXmlReader.DhcpHosts(libvirts));
        Assert.Equal(new NetworkIdentity("0b0e9a57-3f0e-4a53-8d3e-5e6a1c2b7d44", "52:54:00:12:34:56"), NetworkXmlReader.Identity(libvirts));
    }

    [Fact]
    public void TapName_IsNovas_TapAndTheFirstElevenCharactersOfThePortId() =>
        Assert.Equal("tap6f1d7c2e-0a", TapName.For(Guid.Parse("6f1d7c2e-0a4b-4c38-9d61-2b7c1e5a9f10")));
}
