using System.Globalization;
using System.Text;

namespace Appliance.Hypervisor.Networking;

/// <summary>
/// Writes a GuestNatSpec as one nft script that replaces the appliance's table in a single transaction: "table" makes
/// it if missing, "delete table" drops it, and the new body follows, so no packet ever sees half a ruleset.
/// </summary>
public static class NftGuestNatRuleset
{
    /// <summary>The appliance's NAT goes before libvirt's (iptables-nft at srcnat/dstnat): the first NAT a connection gets is the one it keeps.</summary>
    public static string Write(GuestNatSpec spec)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"table ip {spec.Table}\ndelete table ip {spec.Table}\ntable ip {spec.Table} {{\n");

        var dnat = spec.FloatingAddresses.SelectMany(DnatRules).ToList();
        Chain(text, "prerouting", "type nat hook prerouting priority dstnat - 1; policy accept;", dnat);
        // Traffic the host itself sends to a floating address is DNAT'd as the LAN's is.
        Chain(text, "output", "type nat hook output priority -101; policy accept;", dnat);
        Chain(text, "postrouting", "type nat hook postrouting priority srcnat - 1; policy accept;",
            spec.FloatingAddresses.SelectMany(SnatRules).Concat(spec.RoutedNetworks.SelectMany(MasqueradeRules)).ToList());
        // A routed network keeps NAT's isolation: new traffic from elsewhere reaches its guests only through a DNAT (a floating
        // address, a forward). Guest to guest on one bridge passes: with br_netfilter, bridged traffic crosses this hook too.
        Chain(text, "forward", "type filter hook forward priority filter - 1; policy accept;",
            spec.RoutedNetworks.Select(network =>
                $"iifname != \"{network.Bridge}\" oifname \"{network.Bridge}\" ip daddr {network.Cidr} ct state new ct status & dnat == 0 drop").ToList());
        text.Append("}\n");
        return text.ToString();
    }

    private static IEnumerable<string> DnatRules(FloatingAddress floating)
    {
        // One port's forward before the whole address, so a forward wins where both would match.
        foreach (var forward in floating.Forwards)
        {
            yield return $"ip daddr {floating.Address} {forward.Protocol} dport {Number(forward.ExternalPort)} dnat to {forward.InternalAddress}:{Number(forward.InternalPort)}";
        }

        if (floating.FixedAddress is { } fixedAddress)
        {
            yield return $"ip daddr {floating.Address} dnat to {fixedAddress}";
        }
    }

    /// <summary>The guest's own traffic out of the external bridge leaves from its floating address (elsewhere it is masqueraded as any guest's).</summary>
    private static IEnumerable<string> SnatRules(FloatingAddress floating)
    {
        if (floating.FixedAddress is { } fixedAddress)
        {
            yield return $"ip saddr {fixedAddress} oifname \"{floating.ExternalBridge}\" snat to {floating.Address}";
        }
    }

    /// <summary>As libvirt's NAT: everything leaving the subnet but multicast and broadcast, with the ports mapped above 1023.</summary>
    private static IEnumerable<string> MasqueradeRules(RoutedNetwork network)
    {
        var leaving = $"ip saddr {network.Cidr} ip daddr != {network.Cidr} ip daddr != {{ 224.0.0.0/24, 255.255.255.255 }}";
        yield return $"{leaving} meta l4proto {{ tcp, udp }} masquerade to :1024-65535";
        yield return $"{leaving} masquerade";
    }

    private static void Chain(StringBuilder text, string name, string hook, IReadOnlyList<string> rules)
    {
        text.Append(CultureInfo.InvariantCulture, $"  chain {name} {{\n    {hook}\n");
        foreach (var rule in rules)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {rule}\n");
        }

        text.Append("  }\n");
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
