using Appliance.Core.Configuration;
using Appliance.Hypervisor.Networking;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Networks;

/// <summary>
/// The host's NAT from the store: the masquerade and isolation of the appliance's NAT networks, and every floating IP's
/// DNAT, SNAT and port forwardings. Rebuilt whole from the rows on every change and at start, so after a crash or a reboot
/// the host's NAT is again exactly what the store says.
/// </summary>
public sealed class GuestNatPlane(NetworkRepository networks, FloatingIpRepository floatingIps, IGuestNatDriver driver, NetworkNames names,
    ApplianceOptions options, ILogger<GuestNatPlane> logger)
{
    // Each refresh reads the store inside the gate, so the last one to run writes the newest state.
    private readonly SemaphoreSlim _gate = new(1);

    /// <summary>The table's name: the appliance's prefix with the data dir's hash, as its libvirt networks have.</summary>
    public string Table => names.LibvirtPrefix.TrimEnd('-').Replace('-', '_');

    /// <summary>Never throws: a host NAT that cannot be set is logged, and the next change or start sets it again.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (!options.Networking.Enabled)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await driver.ApplyAsync(await SpecAsync(cancellationToken), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError("The host's NAT for guests is not set: {Message}", e.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal async Task<GuestNatSpec> SpecAsync(CancellationToken cancellationToken)
    {
        var allNetworks = await networks.NetworksAsync(cancellationToken);
        var subnets = await networks.SubnetByNetworkAsync(cancellationToken);
        var fips = await floatingIps.FloatingIpsAsync(cancellationToken);
        var forwardings = (await floatingIps.ForwardingsAsync(cancellationToken: cancellationToken)).ToLookup(f => f.FloatingIpId, StringComparer.Ordinal);
        var externals = allNetworks.Where(IsExternalBridge).ToDictionary(n => n.Id, StringComparer.Ordinal);

        var floating = fips
            .Where(fip => externals.ContainsKey(fip.FloatingNetworkId) && (fip.FixedIpAddress is not null || forwardings.Contains(fip.Id)))
            .Select(fip => new FloatingAddress(fip.FloatingIpAddress, externals[fip.FloatingNetworkId].Bridge)
            {
                FixedAddress = fip.FixedIpAddress,
                Forwards = forwardings[fip.Id].Select(f => new FloatingForward(f.Protocol, f.ExternalPort, f.InternalIpAddress, f.InternalPort)).ToList(),
            })
            .ToList();
        return new GuestNatSpec
        {
            Table = Table,
            RoutedNetworks = allNetworks
                .Where(n => n.Kind == NetworkKinds.Nat && subnets.ContainsKey(n.Id))
                .Select(n => new RoutedNetwork(n.Bridge, subnets[n.Id].Cidr))
                .ToList(),
            FloatingAddresses = floating,
            // Two external networks may share a LAN bridge: one entry per bridge, with the pools of both.
            ExternalBridges = externals.Values
                .GroupBy(n => n.Bridge, StringComparer.Ordinal)
                .Select(bridge => new ExternalBridge(
                    bridge.Key,
                    bridge.SelectMany(n => subnets.TryGetValue(n.Id, out var subnet) ? subnet.AllocationPools : []).Select(p => (p.Start, p.End)).ToList(),
                    floating.Where(f => f.ExternalBridge == bridge.Key).Select(f => f.Address).ToList()))
                .ToList(),
        };
    }

    /// <summary>Floating addresses live on a host bridge on the LAN: an external provider network's.</summary>
    internal static bool IsExternalBridge(NetworkRecord network) => network.RouterExternal && network.Kind == NetworkKinds.Provider;
}
