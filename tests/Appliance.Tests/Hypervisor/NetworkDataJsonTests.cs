using System.Text.Json.Nodes;
using Appliance.Hypervisor.ConfigDrive;
using Appliance.Hypervisor.Networking;

namespace Appliance.Tests.Hypervisor;

public sealed class NetworkDataJsonTests
{
    private static readonly Guid Port = Guid.Parse("1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d");
    private static readonly Guid Network = Guid.Parse("9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a");

    private static NetworkDataPort Dhcp() => new()
    {
        PortId = Port,
        NetworkId = Network,
        Mac = "fa:16:3e:00:00:01",
        Mtu = 1450,
        Ip = "10.0.0.11",
        PrefixLength = 24,
        Gateway = "10.0.0.1",
        DnsServers = ["10.0.0.1"],
    };

    [Fact]
    public void DhcpPort_IsALinkAndAnIpv4DhcpNetwork_AsNovaWritesIt()
    {
        var expected = """
            {
              "links": [
                { "id": "tap1a2b3c4d-5e", "vif_id": "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d", "type": "bridge", "mtu": 1450, "ethernet_mac_address": "fa:16:3e:00:00:01" }
              ],
              "networks": [
                { "id": "network0", "type": "ipv4_dhcp", "link": "tap1a2b3c4d-5e", "network_id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a" }
              ],
              "services": [ { "type": "dns", "address": "10.0.0.1" } ]
            }
            """;
        Assert.Equal(Compact(expected), NetworkDataJson.For([Dhcp()]).ToJsonString());
    }

    [Fact]
    public void StaticPort_CarriesItsAddressMaskDefaultRouteAndDns_AsNovaWritesIt()
    {
        var json = NetworkDataJson.For([Dhcp() with { Dhcp = false, PrefixLength = 20, DnsServers = ["1.1.1.1", "9.9.9.9"] }]);
        var expected = """
            {
              "id": "network0", "type": "ipv4", "link": "tap1a2b3c4d-5e", "ip_address": "10.0.0.11", "netmask": "255.255.240.0",
              "routes": [ { "network": "0.0.0.0", "netmask": "0.0.0.0", "gateway": "10.0.0.1" } ],
              "network_id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
              "services": [ { "type": "dns", "address": "1.1.1.1" }, { "type": "dns", "address": "9.9.9.9" } ]
            }
            """;
        Assert.Equal(Compact(expected), json["networks"]![0]!.ToJsonString());
        Assert.Equal("""[{"type":"dns","address":"1.1.1.1"},{"type":"dns","address":"9.9.9.9"}]""", json["services"]!.ToJsonString());
    }

    [Fact]
    public void StaticPortWithoutGateway_HasNoRoutes() =>
        Assert.Equal("[]", NetworkDataJson.For([Dhcp() with { Dhcp = false, Gateway = null }])["networks"]![0]!["routes"]!.ToJsonString());

    [Fact]
    public void SeveralPorts_NumberTheirNetworks_AndShareDnsServicesOnce()
    {
        var second = Dhcp() with { PortId = Guid.Parse("2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e"), Mac = "fa:16:3e:00:00:02", Ip = "10.1.0.5", Dhcp = false };
        var json = NetworkDataJson.For([Dhcp(), second]);
        Assert.Equal(["tap1a2b3c4d-5e", "tap2b3c4d5e-6f"], json["links"]!.AsArray().Select(l => (string?)l!["id"]));
        Assert.Equal(["network0", "network1"], json["networks"]!.AsArray().Select(n => (string?)n!["id"]));
        Assert.Equal("tap2b3c4d5e-6f", (string?)json["networks"]![1]!["link"]);
        Assert.Single(json["services"]!.AsArray());
    }

    [Fact]
    public void Ipv6Port_HasNovasIpv6MaskAndRoute()
    {
        var network = NetworkDataJson.For([Dhcp() with { Dhcp = false, Ip = "fd00::11", PrefixLength = 64, Gateway = "fd00::1" }])["networks"]![0]!;
        Assert.Equal(("ipv6", "ffff:ffff:ffff:ffff::"), ((string?)network["type"], (string?)network["netmask"]));
        Assert.Equal("""[{"network":"::","netmask":"::","gateway":"fd00::1"}]""", network["routes"]!.ToJsonString());
    }

    [Fact]
    public void NoPorts_IsAnEmptyObject_AsNovaWithoutNetworkInformation() =>
        Assert.Equal("{}", NetworkDataJson.For([]).ToJsonString());

    [Fact]
    public void TheConfigDrive_CarriesItAsNetworkDataJson()
    {
        var metadata = ConfigDriveTests.Metadata() with { NetworkData = NetworkDataJson.For([Dhcp()]) };
        var file = ConfigDriveLayout.Files(metadata).Single(f => f.Path == "openstack/latest/network_data.json");
        Assert.Equal("ipv4_dhcp", (string?)JsonNode.Parse(file.Content)!["networks"]![0]!["type"]);
    }

    /// <summary>The expected JSON without its layout; key order stays, as Nova's order is part of the format.</summary>
    private static string Compact(string json) => JsonNode.Parse(json)!.ToJsonString();
}
