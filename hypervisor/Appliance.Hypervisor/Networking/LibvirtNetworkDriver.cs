using System.Net;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Host;
using Appliance.Hypervisor.Interop;
using static Appliance.Hypervisor.Driver.LibvirtCalls;

namespace Appliance.Hypervisor.Networking;

/// <summary>The network driver over libvirt's network driver, on the process's one libvirt connection.</summary>
public sealed class LibvirtNetworkDriver(LibvirtHost host) : INetworkDriver
{
    /// <summary>
    /// A running network whose definition changed keeps its live state until it next starts: restarting it here would
    /// unplug the taps of the guests on it, which libvirt does not plug back.
    /// </summary>
    public Task EnsureAsync(VirtualNetworkSpec spec, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Call(() =>
        {
            using var network = Defined(spec);
            if (!network.IsActive)
            {
                network.Create();
            }

            if (!network.Autostart)
            {
                network.SetAutostart(true);
            }
        });
        return Task.CompletedTask;
    }

    public bool IsActive(string networkName) => Call(() =>
    {
        using var network = host.FindNetwork(networkName);
        return network?.IsActive ?? false;
    });

    public string? BridgeOf(string networkName) => Call(() =>
    {
        using var network = host.FindNetwork(networkName);
        return network?.BridgeName;
    });

    /// <summary>Read from the running network; entries always change live and persistent together, so that is both.</summary>
    public IReadOnlyList<DhcpHost> DhcpHosts(string networkName) => Call(() =>
    {
        using var network = host.FindNetwork(networkName);
        return network is null ? [] : NetworkXmlReader.DhcpHosts(network.XmlDesc());
    });

    /// <summary>A changed entry is deleted and added anew: libvirt's modify replaces the first entry matching MAC, IP or name, which may be another's.</summary>
    public Task AddDhcpHostAsync(string networkName, DhcpHost dhcpHost, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Call(() =>
        {
            using var network = host.FindNetwork(networkName)
                ?? throw new HypervisorOperationException($"network {networkName} does not exist on this host");
            var existing = Entry(network, dhcpHost.Mac);
            // The designer writes MACs in lower case.
            if (existing == dhcpHost with { Mac = dhcpHost.Mac.ToLowerInvariant() })
            {
                return;
            }

            if (existing is not null)
            {
                network.UpdateDhcpHost(Libvirt.VIR_NETWORK_UPDATE_COMMAND_DELETE, NetworkDesigner.HostXml(existing.Mac));
            }

            network.UpdateDhcpHost(Libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST, NetworkDesigner.HostXml(dhcpHost));
        });
        return Task.CompletedTask;
    }

    public Task RemoveDhcpHostAsync(string networkName, string mac, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Call(() =>
        {
            using var network = host.FindNetwork(networkName);
            if (network is not null && Entry(network, mac) is { } existing)
            {
                network.UpdateDhcpHost(Libvirt.VIR_NETWORK_UPDATE_COMMAND_DELETE, NetworkDesigner.HostXml(existing.Mac));
            }
        });
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string networkName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Call(() =>
        {
            using var network = host.FindNetwork(networkName);
            if (network is null)
            {
                return;
            }

            if (network.IsActive)
            {
                network.Destroy();
            }

            // A transient network is gone once stopped; only a persistent one has a definition left.
            if (network.IsPersistent)
            {
                network.Undefine();
            }
        });
        return Task.CompletedTask;
    }

    public IReadOnlyList<string> ListNetworks(string prefix) => Call(() =>
    {
        var networks = host.ListAllNetworks();
        try
        {
            return networks.Select(n => n.Name).Where(name => name.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        }
        finally
        {
            networks.ForEach(n => n.Dispose());
        }
    });

    /// <summary>The network as the spec says: defined when absent, redefined when its shape differs, keeping its identity and the DHCP entries that still fit.</summary>
    private LibvirtNetwork Defined(VirtualNetworkSpec spec)
    {
        var existing = host.FindNetwork(spec.Name);
        if (existing is null)
        {
            return host.DefineNetwork(NetworkDesigner.ToXml(spec, []));
        }

        string current;
        bool differs;
        try
        {
            current = existing.PersistentXmlDesc();
            differs = NeedsRedefinition(spec, current);
        }
        catch
        {
            existing.Dispose();
            throw;
        }

        if (!differs)
        {
            return existing;
        }

        existing.Dispose();
        return host.DefineNetwork(NetworkDesigner.ToXml(spec, KeptHosts(spec, current), NetworkXmlReader.Identity(current)));
    }

    /// <summary>Whether the persistent definition differs from the spec in its shape, or holds DHCP entries the spec would drop.</summary>
    internal static bool NeedsRedefinition(VirtualNetworkSpec spec, string persistentXml) =>
        NetworkXmlReader.Shape(persistentXml) != NetworkXmlReader.Shape(NetworkDesigner.ToXml(spec, []))
        || KeptHosts(spec, persistentXml).Count != NetworkXmlReader.DhcpHosts(persistentXml).Count;

    /// <summary>The entries a redefinition keeps: none without DHCP, and only those in the gateway's subnet.</summary>
    private static List<DhcpHost> KeptHosts(VirtualNetworkSpec spec, string xml) =>
        spec.Dhcp ? NetworkXmlReader.DhcpHosts(xml).Where(h => InSubnet(h.Ip, spec)).ToList() : [];

    /// <summary>An entry outside the gateway's subnet would never be served; a new subnet drops it.</summary>
    private static bool InSubnet(string ip, VirtualNetworkSpec spec) =>
        IPAddress.TryParse(ip, out var address) && IPAddress.TryParse(spec.GatewayIp, out var gateway)
        && AddressPrefix.SameSubnet(address, gateway, spec.PrefixLength);

    private static DhcpHost? Entry(LibvirtNetwork network, string mac) =>
        NetworkXmlReader.DhcpHosts(network.XmlDesc()).FirstOrDefault(h => string.Equals(h.Mac, mac, StringComparison.OrdinalIgnoreCase));

    /// <summary>On libvirt's test driver the networks live in its memory, so the address does too: the host is never touched.</summary>
    public async Task EnsureLoopbackAddressAsync(string address, CancellationToken cancellationToken = default)
    {
        if (!host.Uri.StartsWith("test:", StringComparison.Ordinal))
        {
            await Processes.HostCommand.RunAsync("ip", ["-4", "addr", "replace", $"{address}/32", "dev", "lo"], cancellationToken);
        }
    }
}
