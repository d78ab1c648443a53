using System.Net;
using System.Text.Json;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Processes;

namespace Appliance.Hypervisor.Networking;

/// <summary>
/// The NAT driver over nftables (<c>nft -f -</c>, one atomic transaction) and iproute2 (the floating addresses on each
/// external bridge, as /32s, so the host answers ARP for them on the LAN).
/// </summary>
public sealed class NftGuestNatDriver : IGuestNatDriver
{
    // Applies never interleave: each writes the whole table and the bridges' addresses from one spec.
    private readonly SemaphoreSlim _gate = new(1);

    public async Task ApplyAsync(GuestNatSpec spec, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await RunAsync("nft", ["-f", "-"], NftGuestNatRuleset.Write(spec), cancellationToken);
            foreach (var bridge in spec.ExternalBridges)
            {
                await SyncAddressesAsync(bridge, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Adds the bridge's missing floating addresses and removes the /32s in its pools that no floating IP holds any more:
    /// a pool's addresses are the appliance's to give, so a /32 among them was put there by it.
    /// </summary>
    private static async Task SyncAddressesAsync(ExternalBridge bridge, CancellationToken cancellationToken)
    {
        var present = await HostAddressesAsync(bridge.Bridge, cancellationToken);
        foreach (var address in bridge.Addresses.Where(address => !present.Contains(address)))
        {
            await RunAsync("ip", ["-4", "addr", "add", $"{address}/32", "dev", bridge.Bridge], null, cancellationToken);
        }

        foreach (var stale in present.Where(address => !bridge.Addresses.Contains(address) && InPools(address, bridge.Pools)))
        {
            await RunAsync("ip", ["-4", "addr", "del", $"{stale}/32", "dev", bridge.Bridge], null, cancellationToken);
        }
    }

    /// <summary>The bridge's /32 addresses; none when the bridge is absent (its network's LAN is not plugged in here).</summary>
    private static async Task<HashSet<string>> HostAddressesAsync(string bridge, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            json = await HostCommand.RunAsync("ip", ["-j", "-4", "addr", "show", "dev", bridge], cancellationToken);
        }
        catch (HostCommandException e)
        {
            throw new HypervisorOperationException($"the external bridge {bridge} is not on this host: {e.Message}");
        }

        using var document = JsonDocument.Parse(json.Length == 0 ? "[]" : json);
        return document.RootElement.EnumerateArray()
            .SelectMany(link => link.TryGetProperty("addr_info", out var info) ? info.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(info => info.GetProperty("prefixlen").GetInt32() == 32)
            .Select(info => info.GetProperty("local").GetString()!)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static bool InPools(string address, IReadOnlyList<(string Start, string End)> pools) =>
        pools.Any(pool => Number(pool.Start) <= Number(address) && Number(address) <= Number(pool.End));

    private static uint Number(string address)
    {
        var bytes = IPAddress.Parse(address).GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }

    private static async Task RunAsync(string program, string[] arguments, string? input, CancellationToken cancellationToken)
    {
        try
        {
            if (input is null)
            {
                await HostCommand.RunAsync(program, arguments, cancellationToken);
            }
            else
            {
                await HostCommand.RunWithInputAsync(program, arguments, input, cancellationToken);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new HypervisorOperationException($"{program} is not installed: install the package nftables (nft) or iproute2 (ip)");
        }
        catch (HostCommandException e)
        {
            throw new HypervisorOperationException($"the host's NAT could not be set: {e.Message}");
        }
    }
}
