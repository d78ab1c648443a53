using Appliance.Core.Configuration;
using Appliance.Hypervisor.Networking;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Networks;

/// <summary>
/// Brings libvirt's network filters in line with the store: after every change to groups, rules or ports, and at start
/// (before guests start). Each pass reads the store afresh and redefines only the filters whose definition changed, so a
/// rule reaches running guests within the request that made it; this data dir's filters the store no longer has are removed
/// once nothing uses them. Passes run one at a time. Off without networking, and where libvirt has no nwfilter (its test driver).
/// </summary>
public sealed class SecurityGroupEnforcement(
    SecurityGroupRepository groups, NetworkRepository networks, INetworkFilterDriver driver, NetworkNames names, ApplianceOptions options,
    ILogger<SecurityGroupEnforcement> logger)
{
    private readonly SemaphoreSlim _gate = new(1);
    private readonly Dictionary<string, string> _defined = new(StringComparer.Ordinal);
    private bool? _supported;

    public async Task ApplyAsync(CancellationToken cancellationToken = default)
    {
        if (!options.Networking.Enabled)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _supported ??= driver.IsSupported;
            if (_supported == false)
            {
                return;
            }

            var allNetworks = await networks.NetworksAsync(cancellationToken);
            var filtered = allNetworks.Where(SecurityGroupFilters.IsFiltered).Select(network => network.Id).ToHashSet(StringComparer.Ordinal);
            var wanted = SecurityGroupFilters.Build(names, await groups.GroupsAsync(cancellationToken: cancellationToken),
                await networks.AllPortsAsync(cancellationToken), filtered);
            // Groups first: a port's filter may only include filters that exist.
            foreach (var spec in wanted)
            {
                var xml = NetworkFilterDesigner.ToXml(spec);
                if (!_defined.TryGetValue(spec.Name, out var current) || current != xml)
                {
                    driver.Define(spec);
                    _defined[spec.Name] = xml;
                }
            }

            var wantedNames = wanted.Select(spec => spec.Name).ToHashSet(StringComparer.Ordinal);
            // Ports' filters before groups': a group's filter is in use while a port's includes it.
            foreach (var stale in driver.List(names.LibvirtPrefix).Where(name => !wantedNames.Contains(name)).OrderBy(name => name.Contains("-sg-", StringComparison.Ordinal)))
            {
                if (driver.Remove(stale))
                {
                    _defined.Remove(stale);
                    logger.LogInformation("Removed network filter {Filter}: the store no longer has it", stale);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets what was defined, so the next pass defines every filter again (libvirt came back, perhaps without them).</summary>
    public void Forget()
    {
        _gate.Wait();
        try
        {
            _defined.Clear();
            _supported = null;
        }
        finally
        {
            _gate.Release();
        }
    }
}
