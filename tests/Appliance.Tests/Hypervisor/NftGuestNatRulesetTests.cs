using Appliance.Hypervisor.Networking;
using Appliance.Hypervisor.Processes;

namespace Appliance.Tests.Hypervisor;

/// <summary>
/// The host's NAT as nft text (golden, no host needed), and that nft takes it, twice in a row (the whole table replaced),
/// inside a network namespace of the test's own: the host's firewall is never touched.
/// </summary>
public sealed class NftGuestNatRulesetTests
{
    private static readonly GuestNatSpec Spec = new()
    {
        Table = "appliance_abc123",
        RoutedNetworks = [new RoutedNetwork("aplabc123net1", "10.1.2.0/24")],
        FloatingAddresses =
        [
            new FloatingAddress("192.168.50.201", "br-lan") { FixedAddress = "10.1.2.4" },
            new FloatingAddress("192.168.50.200", "br-lan") { Forwards = [new FloatingForward("tcp", 2222, "10.1.2.3", 22), new FloatingForward("udp", 5353, "10.1.2.3", 53)] },
        ],
        ExternalBridges = [new ExternalBridge("br-lan", [("192.168.50.200", "192.168.50.220")], ["192.168.50.201", "192.168.50.200"])],
    };

    [Fact]
    public void Ruleset_ReplacesTheTable_DnatsForwardsBeforeWholeAddresses_SnatsOnTheExternalBridge_MasqueradesAndIsolatesRoutedNetworks()
    {
        var expected = """
            table ip appliance_abc123
            delete table ip appliance_abc123
            table ip appliance_abc123 {
              chain prerouting {
                type nat hook prerouting priority dstnat - 1; policy accept;
                ip daddr 192.168.50.201 dnat to 10.1.2.4
                ip daddr 192.168.50.200 tcp dport 2222 dnat to 10.1.2.3:22
                ip daddr 192.168.50.200 udp dport 5353 dnat to 10.1.2.3:53
              }
              chain output {
                type nat hook output priority -101; policy accept;
                ip daddr 192.168.50.201 dnat to 10.1.2.4
                ip daddr 192.168.50.200 tcp dport 2222 dnat to 10.1.2.3:22
                ip daddr 192.168.50.200 udp dport 5353 dnat to 10.1.2.3:53
              }
              chain postrouting {
                type nat hook postrouting priority srcnat - 1; policy accept;
                ip saddr 10.1.2.4 oifname "br-lan" snat to 192.168.50.201
                ip saddr 10.1.2.0/24 ip daddr != 10.1.2.0/24 ip daddr != { 224.0.0.0/24, 255.255.255.255 } meta l4proto { tcp, udp } masquerade to :1024-65535
                ip saddr 10.1.2.0/24 ip daddr != 10.1.2.0/24 ip daddr != { 224.0.0.0/24, 255.255.255.255 } masquerade
              }
              chain forward {
                type filter hook forward priority filter - 1; policy accept;
                iifname != "aplabc123net1" oifname "aplabc123net1" ip daddr 10.1.2.0/24 ct state new ct status & dnat == 0 drop
              }
            }

            """;
        Assert.Equal(expected, NftGuestNatRuleset.Write(Spec));
    }

    [Fact]
    public void EmptySpec_StillReplacesTheTable_WithEmptyChains()
    {
        var text = NftGuestNatRuleset.Write(new GuestNatSpec { Table = "appliance_x" });
        Assert.StartsWith("table ip appliance_x\ndelete table ip appliance_x\ntable ip appliance_x {\n", text);
        Assert.DoesNotContain("dnat to", text);
        Assert.DoesNotContain("masquerade", text);
    }

    [SkippableFact]
    public async Task Nft_TakesTheRuleset_TwiceInARow_InsideAPrivateNetworkNamespace()
    {
        Skip.If(!Environment.IsPrivilegedProcess || !File.Exists("/usr/sbin/nft"), "needs root and nft (package nftables) to make a network namespace");

        var script = NftGuestNatRuleset.Write(Spec);
        var listed = await HostCommand.RunWithInputAsync("unshare", ["--net", "/bin/sh", "-c", "cat > /tmp/$$.nft; nft -f /tmp/$$.nft && nft -f /tmp/$$.nft; rc=$?; nft list table ip appliance_abc123; rm -f /tmp/$$.nft; exit $rc"], script);
        Assert.Contains("ip daddr 192.168.50.200 tcp dport 2222 dnat to 10.1.2.3:22", listed);
        Assert.Contains("ip saddr 10.1.2.4 oifname \"br-lan\" snat to 192.168.50.201", listed);
        // Applied twice, the 1:1 rule is there once per chain (prerouting, output): the table is replaced, not appended to.
        Assert.Equal(2, listed.Split('\n').Count(line => line.Trim() == "ip daddr 192.168.50.201 dnat to 10.1.2.4"));
    }
}
