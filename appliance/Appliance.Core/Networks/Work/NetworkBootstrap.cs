using Appliance.Core.Configuration;
using Appliance.Core.Identity;
using Appliance.Core.Servers;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Networks;

/// <summary>
/// At start: the default network `private` exists (made once, on a subnet clear of the host's routes), every libvirt network
/// of the store runs, its DHCP entries are exactly the ports' (none leaked, none missing), and no libvirt network of this
/// appliance is left that the store no longer has.
/// </summary>
public sealed class NetworkBootstrap
{
    private readonly NetworkRepository repository;
    private readonly ServerRepository servers;
    private readonly ProjectService projects;
    private readonly NetworkPlane plane;
    private readonly ApplianceOptions options;
    private readonly ILogger<NetworkBootstrap> logger;
    private readonly GuestNatPlane nat;
    private readonly SecurityGroupEnforcement securityGroups;

    public NetworkBootstrap(NetworkRepository repository, ServerRepository servers, ProjectService projects, NetworkPlane plane, ApplianceOptions options,
        IComputeDriver driver, ILogger<NetworkBootstrap> logger, GuestNatPlane nat, SecurityGroupEnforcement securityGroups)
    {
        (this.repository, this.servers, this.projects, this.plane, this.options, this.logger) = (repository, servers, projects, plane, options, logger);
        this.nat = nat;
        this.securityGroups = securityGroups;
        // libvirtd restarted (or came up after the appliance): its networks may be down; bring them up again.
        driver.Reconnected += () =>
        {
            securityGroups.Forget();
            _ = EnsureAsync();
        };
    }

    /// <summary>
    /// Never throws for the hypervisor's sake: an appliance whose libvirt is away still starts (and says so on /healthz);
    /// the networks come up when libvirt answers again.
    /// </summary>
    public async Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        if (!options.Networking.Enabled)
        {
            return;
        }

        try
        {
            await EnsureNowAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError("Guest networks are not ready: {Message}", e.Message);
        }
    }

    private async Task EnsureNowAsync(CancellationToken cancellationToken)
    {
        if (options.Networking.MetadataService)
        {
            await plane.EnsureMetadataAddressAsync(cancellationToken);
        }

        await EnsureDefaultNetworkAsync(cancellationToken);
        await ReleaseOrphanPortsAsync(cancellationToken);
        var hostnames = await HostnamesAsync(cancellationToken);
        var networks = await repository.NetworksAsync(cancellationToken);
        var subnets = await repository.SubnetByNetworkAsync(cancellationToken);
        var ports = (await repository.AllPortsAsync(cancellationToken)).ToLookup(p => p.NetworkId);
        foreach (var network in networks.Where(NetworkPlane.IsLibvirtManaged))
        {
            if (!subnets.TryGetValue(network.Id, out var subnet))
            {
                continue;
            }

            await plane.EnsureAsync(network, subnet, options.Networking.DnsDomain, cancellationToken);
            await ReconcileDhcpAsync(network, subnet, ports[network.Id].ToList(), hostnames, cancellationToken);
        }

        var known = networks.Select(n => n.LibvirtName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var stale in plane.OwnLibvirtNetworks().Where(name => !known.Contains(name)))
        {
            logger.LogInformation("Removing libvirt network {Network}: the store has no network for it", stale);
            await plane.RemoveLibvirtNetworkAsync(stale, cancellationToken);
        }

        // The host's NAT (masquerade, isolation, floating IPs) is the store's again after a crash or a reboot.
        await nat.RefreshAsync(cancellationToken);
        // Every port's filter exists before the reconciler starts the guests whose NICs use them; stale ones go.
        await securityGroups.ApplyAsync(cancellationToken);
    }

    /// <summary>
    /// Ports still bound to a server that is gone (a crash between its delete and their release) are released now. Ports are
    /// read before the live servers: a build that makes a port in between has its server row already, so its
    /// port is never taken for an orphan (this runs again when libvirt reconnects, while builds may be under way).
    /// </summary>
    private async Task ReleaseOrphanPortsAsync(CancellationToken cancellationToken)
    {
        var ports = await repository.AllPortsAsync(cancellationToken);
        var liveServers = await HostnamesAsync(cancellationToken);
        var orphans = ports
            .Where(p => p.DeviceOwner != FloatingIpOwners.FloatingIp) // a floating IP's port belongs to the floating IP, not to a server
            .Select(p => p.DeviceId).Where(device => device.Length > 0 && !liveServers.ContainsKey(device)).Distinct(StringComparer.Ordinal);
        foreach (var device in orphans)
        {
            logger.LogInformation("Releasing the ports of server {Uuid}: it is gone", device);
            await repository.ReleaseDeviceAsync(device, cancellationToken);
        }
    }

    private async Task EnsureDefaultNetworkAsync(CancellationToken cancellationToken)
    {
        var networks = await repository.NetworksAsync(cancellationToken);
        if (networks.Any(n => n.Name == ServerNetworking.DefaultNetworkName && n.Shared))
        {
            return;
        }

        var taken = HostRoutes.Read().Concat((await repository.SubnetsAsync(cancellationToken: cancellationToken)).Select(s => s.Range)).ToList();
        var cidr = PrivateSubnetChoice.Choose(options.Networking.PrivateCidr, plane.Names.Seed, taken);
        var id = Guid.NewGuid().ToString();
        var now = Timestamps.Now();
        var owner = await AdminProjectAsync(cancellationToken);
        var network = new NetworkRecord
        {
            Id = id,
            Name = ServerNetworking.DefaultNetworkName,
            ProjectId = owner,
            Shared = true,
            Kind = NetworkKinds.Nat,
            LibvirtName = plane.Names.LibvirtName(id),
            Bridge = plane.Names.Bridge(id),
            Mtu = options.Networking.PrivateMtu,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var subnet = new SubnetRecord
        {
            Id = Guid.NewGuid().ToString(),
            NetworkId = id,
            ProjectId = owner,
            Name = $"{ServerNetworking.DefaultNetworkName}-subnet",
            Cidr = cidr.ToString(),
            GatewayIp = Ipv4Cidr.Format(cidr.FirstHost),
            EnableDhcp = true,
            AllocationPools = [new AllocationPool(Ipv4Cidr.Format(cidr.FirstHost + 1), Ipv4Cidr.Format(cidr.LastHost))],
            CreatedAt = now,
            UpdatedAt = now,
        };
        await repository.CreateNetworkAsync(network, subnet, cancellationToken);
        logger.LogInformation("Created the default network {Name} on {Cidr} (libvirt network {LibvirtName}, bridge {Bridge})",
            network.Name, subnet.Cidr, network.LibvirtName, network.Bridge);
    }

    private async Task ReconcileDhcpAsync(NetworkRecord network, SubnetRecord subnet, IReadOnlyList<PortRecord> ports,
        IReadOnlyDictionary<string, string> hostnames, CancellationToken cancellationToken)
    {
        var wanted = ports.Where(p => p.FixedIps.Count > 0).ToDictionary(p => p.MacAddress, StringComparer.OrdinalIgnoreCase);
        foreach (var host in plane.DhcpHosts(network))
        {
            if (!wanted.TryGetValue(host.Mac, out var port) || port.FixedIps[0].IpAddress != host.Ip)
            {
                logger.LogInformation("Removing DHCP entry {Mac} {Ip} from {Network}: no port holds it", host.Mac, host.Ip, network.Name);
                await plane.RemoveDhcpHostAsync(network, host.Mac, cancellationToken);
            }
        }

        var present = plane.DhcpHosts(network).Select(h => h.Mac).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var port in wanted.Values.Where(p => !present.Contains(p.MacAddress)))
        {
            await plane.AddDhcpHostAsync(network, subnet, port, hostnames.GetValueOrDefault(port.DeviceId, ""), cancellationToken);
        }
    }

    /// <summary>The hostname of every server not deleted, by uuid: the live devices a port may be bound to.</summary>
    private async Task<IReadOnlyDictionary<string, string>> HostnamesAsync(CancellationToken cancellationToken) =>
        (await servers.LiveAsync(cancellationToken)).ToDictionary(server => server.Uuid, server => server.Hostname, StringComparer.Ordinal);

    private async Task<string> AdminProjectAsync(CancellationToken cancellationToken) =>
        (await projects.FindAsync(IdentityBootstrap.AdminName, cancellationToken))?.Id ?? "";
}
