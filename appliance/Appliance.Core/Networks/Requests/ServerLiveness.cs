using Appliance.Core.Configuration;
using Appliance.Core.Servers;
using Appliance.Hypervisor.Networking;

namespace Appliance.Core.Networks;

/// <summary>
/// Nova's os-fping: whether each server answers a ping on any of its fixed addresses. Only addresses with a data plane
/// on this host are probed (networking on, a real libvirt connection, not a user-mode network whose addresses live inside
/// QEMU): on test:/// a guest has no wire, so it is never alive and nothing is sent.
/// </summary>
public sealed class ServerLiveness(ServerService servers, ServerRepository repository, NetworkRepository networks, IAddressProbe probe, ApplianceOptions options)
{
    /// <summary>The caller's servers (every project's with <paramref name="allTenants"/>, admins only), narrowed by include or else exclude.</summary>
    public async Task<IReadOnlyList<ServerAlive>> ListAsync(ServerCaller caller, bool allTenants, IReadOnlySet<string>? include, IReadOnlySet<string> exclude,
        CancellationToken cancellationToken = default)
    {
        if (allTenants && !caller.IsAdmin)
        {
            throw new ForbiddenException("Policy doesn't allow os_compute_api:os-fping:all_tenants to be performed.");
        }

        var chosen = (await repository.LiveAsync(cancellationToken))
            .Where(server => allTenants || server.ProjectId == caller.ProjectId)
            .Where(server => include is not null ? include.Contains(server.Uuid) : !exclude.Contains(server.Uuid))
            .ToList();
        return await ProbeAsync(chosen, cancellationToken);
    }

    public async Task<ServerAlive> ShowAsync(ServerCaller caller, string serverId, CancellationToken cancellationToken = default) =>
        (await ProbeAsync([await servers.GetAsync(caller, serverId, cancellationToken)], cancellationToken)).Single();

    private async Task<IReadOnlyList<ServerAlive>> ProbeAsync(IReadOnlyList<ServerRecord> chosen, CancellationToken cancellationToken)
    {
        var addresses = await ProbedAddressesAsync(chosen, cancellationToken);
        var alive = addresses.Count == 0 ? new HashSet<string>() : await probe.AliveAsync(addresses.SelectMany(pair => pair.Value).ToList(), cancellationToken);
        return chosen.Select(server => new ServerAlive(server.Uuid, server.ProjectId,
            addresses.TryGetValue(server.Uuid, out var own) && own.Any(alive.Contains))).ToList();
    }

    /// <summary>Each server's addresses worth a ping, by server; none at all where no guest can have a wire.</summary>
    private async Task<Dictionary<string, List<string>>> ProbedAddressesAsync(IReadOnlyList<ServerRecord> chosen, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!HasDataPlane || chosen.Count == 0)
        {
            return result;
        }

        var kinds = (await networks.NetworksAsync(cancellationToken)).ToDictionary(network => network.Id, network => network.Kind, StringComparer.Ordinal);
        foreach (var server in chosen)
        {
            var ports = await networks.PortsOfDeviceAsync(server.Uuid, cancellationToken);
            result[server.Uuid] = ports.Where(port => kinds.TryGetValue(port.NetworkId, out var kind) && kind != NetworkKinds.User)
                .SelectMany(port => port.FixedIps.Select(ip => ip.IpAddress)).ToList();
        }

        return result;
    }

    /// <summary>A fake host (test:///) has no bridges: its guests' addresses are nowhere, and a ping would leave through the host's routes.</summary>
    private bool HasDataPlane => options.Networking.Enabled && !options.LibvirtUri.StartsWith("test:", StringComparison.OrdinalIgnoreCase);
}

/// <summary>One server as os-fping shows it.</summary>
public sealed record ServerAlive(string Id, string ProjectId, bool Alive);
