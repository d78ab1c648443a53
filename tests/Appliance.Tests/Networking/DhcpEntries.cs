using Appliance.Hypervisor.Networking;

namespace Appliance.Tests.Networking;

/// <summary>
/// The static DHCP entries of one libvirt network in a <see cref="NetworkNamespace"/>, three ways: the running network's
/// XML, its persistent definition (what a libvirtd restart would load) and the hosts file dnsmasq serves from. Each as
/// "mac ip" strings, the MAC in lower case, sorted; a duplicate entry stays in the list.
/// </summary>
internal sealed record DhcpEntries(IReadOnlyList<string> Live, IReadOnlyList<string> Persistent, IReadOnlyList<string> HostsFile)
{
    public static async Task<DhcpEntries> ReadAsync(NetworkNamespace ns, string libvirtName)
    {
        var live = NetworkXmlReader.DhcpHosts(await ns.VirshAsync("net-dumpxml", libvirtName));
        var persistent = NetworkXmlReader.DhcpHosts(await ns.VirshAsync("net-dumpxml", "--inactive", libvirtName));
        // libvirt's dnsmasq reads /var/lib/libvirt/dnsmasq/NAME.hostsfile ("mac,ip,name" a line); that directory is under Root.
        var file = Path.Combine(ns.Root, "varlib", "dnsmasq", $"{libvirtName}.hostsfile");
        var lines = File.Exists(file) ? await File.ReadAllLinesAsync(file) : [];
        return new DhcpEntries(
            Sorted(live.Select(h => Entry(h.Mac, h.Ip))),
            Sorted(persistent.Select(h => Entry(h.Mac, h.Ip))),
            Sorted(lines.Where(line => line.Length > 0).Select(line => line.Split(',')).Select(f => Entry(f[0], f[1]))));
    }

    public static string Entry(string mac, string ip) => $"{mac.ToLowerInvariant()} {ip}";

    public static IReadOnlyList<string> Sorted(IEnumerable<string> entries) => entries.Order(StringComparer.Ordinal).ToList();
}
