using System.Globalization;

namespace Appliance.Hypervisor.Config;

/// <summary>QEMU's command-line words for SLIRP NICs (<c>-netdev user</c> plus <c>-device virtio-net-pci</c>), both ways.</summary>
public static class QemuUserNicArgs
{
    public const string DeviceModel = "virtio-net-pci";

    /// <summary>The root bus of the pc (i440fx) machine.</summary>
    public const string Bus = "pci.0";

    public static IEnumerable<string> ToArgs(IEnumerable<QemuUserNic> nics) => nics.SelectMany(nic => new[]
    {
        "-netdev",
        string.Join(',', new[]
            {
                "user",
                $"id={nic.Id}",
                nic.Net is null ? null : $"net={nic.Net}",
                nic.DhcpStart is null ? null : $"dhcpstart={nic.DhcpStart}",
            }
            .Concat(nic.PortForwards.Select(f => $"hostfwd={f.Protocol}:{f.Address}:{Number(f.Port)}-:{Number(f.GuestPort)}"))
            .OfType<string>()),
        "-device",
        $"{DeviceModel},netdev={nic.Id},mac={nic.Mac},bus={Bus},addr=0x{nic.Slot.ToString("x", CultureInfo.InvariantCulture)}",
    });

    /// <summary>The SLIRP NICs in a command line: each user netdev with the device that names it; other words are not ours.</summary>
    public static IReadOnlyList<QemuUserNic> FromArgs(IReadOnlyList<string> args)
    {
        var netdevs = new List<Dictionary<string, List<string>>>();
        var devices = new List<Dictionary<string, List<string>>>();
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == "-netdev" && args[i + 1].StartsWith("user,", StringComparison.Ordinal))
            {
                netdevs.Add(Options(args[++i]));
            }
            else if (args[i] == "-device" && args[i + 1].StartsWith(DeviceModel + ",", StringComparison.Ordinal))
            {
                devices.Add(Options(args[++i]));
            }
        }

        return netdevs
            .Select(netdev => (netdev, device: devices.FirstOrDefault(d => First(d, "netdev") == First(netdev, "id"))))
            .Where(pair => pair.device is not null && First(pair.netdev, "id") is not null && First(pair.device!, "mac") is not null)
            .Select(pair => new QemuUserNic
            {
                Id = First(pair.netdev, "id")!,
                Mac = First(pair.device!, "mac")!,
                Slot = First(pair.device!, "addr") is { } addr ? int.Parse(addr.Replace("0x", "", StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture) : 0,
                Net = First(pair.netdev, "net"),
                DhcpStart = First(pair.netdev, "dhcpstart"),
                PortForwards = pair.netdev.GetValueOrDefault("hostfwd", []).Select(HostForward).OfType<GuestPortForward>().ToList(),
            })
            .ToList();
    }

    /// <summary>hostfwd's <c>tcp:HOSTADDR:HOSTPORT-GUESTADDR:GUESTPORT</c>; null when it is not that shape.</summary>
    private static GuestPortForward? HostForward(string value)
    {
        var sides = value.Split('-', 2);
        var host = sides[0].Split(':');
        var guest = sides.Length == 2 ? sides[1].Split(':') : [];
        return host.Length == 3 && guest.Length == 2
            && int.TryParse(host[2], CultureInfo.InvariantCulture, out var port) && int.TryParse(guest[1], CultureInfo.InvariantCulture, out var guestPort)
            ? new GuestPortForward(host[0], host[1].Length == 0 ? null : host[1], port, guestPort)
            : null;
    }

    private static Dictionary<string, List<string>> Options(string value)
    {
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in value.Split(',').Skip(1).Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2))
        {
            if (!options.TryGetValue(pair[0], out var values))
            {
                options[pair[0]] = values = [];
            }

            values.Add(pair[1]);
        }

        return options;
    }

    private static string? First(Dictionary<string, List<string>> options, string key) => options.TryGetValue(key, out var values) ? values[0] : null;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
