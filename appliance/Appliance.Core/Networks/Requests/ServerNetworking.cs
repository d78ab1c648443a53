using Appliance.Core.Configuration;
using Appliance.Core.Servers;
using Appliance.Hypervisor.Networking;

namespace Appliance.Core.Networks;

/// <summary>A server's side of networking: what a create may ask for, its ports and NICs at build, their release at delete.</summary>
public sealed class ServerNetworking(NetworkRepository repository, NetworkPlane plane, ApplianceOptions options, GuestNatPlane nat, SecurityGroupService securityGroups)
{
    /// <summary>The name of the NAT network every project may use.</summary>
    public const string DefaultNetworkName = "private";

    /// <summary>
    /// Checks what a create asks for, as Nova's API does before it accepts the request, and settles "auto" on a network:
    /// the project's own, else the shared default. Without networking, auto means none.
    /// </summary>
    public async Task<RequestedNetworks> ResolveAsync(ServerCaller caller, RequestedNetworks requested, int maxCount, CancellationToken cancellationToken = default)
    {
        if (requested.Mode == RequestedNetworksMode.None || (!options.Networking.Enabled && requested.Mode == RequestedNetworksMode.Auto))
        {
            return RequestedNetworks.None;
        }

        var networks = options.Networking.Enabled ? await repository.NetworksAsync(cancellationToken) : [];
        if (requested.Mode == RequestedNetworksMode.Auto)
        {
            var chosen = DefaultFor(networks, await repository.SubnetByNetworkAsync(cancellationToken), caller.ProjectId)
                ?? throw new InvalidRequestException($"Unable to automatically allocate a network for project {caller.ProjectId}");
            return RequestedNetworks.List([new RequestedNetwork(chosen.Id)]);
        }

        var resolved = new List<RequestedNetwork>();
        foreach (var item in requested.Items)
        {
            resolved.Add(item.PortId is not null
                ? await CheckPortAsync(caller, item, maxCount, cancellationToken)
                : await CheckNetworkAsync(caller, networks, item, maxCount, cancellationToken));
        }

        return RequestedNetworks.List(resolved);
    }

    /// <summary>
    /// Nova's up-front port check: how many of the instances the project's port quota has room for, each taking a new port
    /// per NIC not given as a port. Fewer than <paramref name="minCount"/> is Nova's 403 "Maximum number of ports exceeded";
    /// the build still counts inside its own transaction, so a create that races past this gets a fault on the server.
    /// </summary>
    public async Task<int> InstancesWithPortRoomAsync(string projectId, RequestedNetworks resolved, int minCount, int maxCount, CancellationToken cancellationToken = default)
    {
        var portsPerInstance = resolved.Items.Count(item => item.PortId is null);
        if (portsPerInstance == 0 || await repository.QuotaRoomAsync(projectId, NetworkQuotaResources.Port, cancellationToken) is not { } room)
        {
            return maxCount;
        }

        var fits = room <= 0 ? 0 : (int)Math.Min(room / portsPerInstance, maxCount);
        return fits < minCount ? throw new OverQuotaException(PortLimitExceeded) : fits;
    }

    /// <summary>Nova's PortLimitExceeded message.</summary>
    internal const string PortLimitExceeded = "Maximum number of ports exceeded";

    /// <summary>
    /// Where "auto" puts a NIC: the project's own network, else the shared default; null when neither exists. Only a network
    /// with a subnet can give an address, so one still without is passed over.
    /// </summary>
    internal static NetworkRecord? DefaultFor(IEnumerable<NetworkRecord> networks, IReadOnlyDictionary<string, SubnetRecord> subnetByNetwork, string projectId)
    {
        var list = networks.Where(network => subnetByNetwork.ContainsKey(network.Id)).ToList();
        return list.FirstOrDefault(n => n.ProjectId == projectId && !n.Shared) ?? list.FirstOrDefault(n => n.Shared && n.Name == DefaultNetworkName);
    }

    private async Task<RequestedNetwork> CheckPortAsync(ServerCaller caller, RequestedNetwork item, int maxCount, CancellationToken cancellationToken)
    {
        var port = options.Networking.Enabled ? await repository.FindPortAsync(item.PortId!, cancellationToken) : null;
        if (port is null || !(caller.IsAdmin || port.ProjectId == caller.ProjectId))
        {
            throw new InvalidRequestException($"Port id {item.PortId} could not be found.");
        }

        if (maxCount > 1)
        {
            throw new InvalidRequestException("Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.");
        }

        return port.DeviceId.Length > 0
            ? throw new ConflictException($"Port {port.Id} is still in use.")
            : item with { NetworkId = port.NetworkId, FixedIp = null };
    }

    private async Task<RequestedNetwork> CheckNetworkAsync(ServerCaller caller, IReadOnlyList<NetworkRecord> networks, RequestedNetwork item, int maxCount,
        CancellationToken cancellationToken)
    {
        var network = networks.FirstOrDefault(n => n.Id == item.NetworkId && (n.Shared || caller.IsAdmin || n.ProjectId == caller.ProjectId))
            ?? throw new InvalidRequestException($"Network {item.NetworkId} could not be found.");
        if (item.FixedIp is not { } fixedIp)
        {
            return item;
        }

        if (maxCount > 1)
        {
            throw new InvalidRequestException("Failed to launch instances: max_count cannot be greater than 1 if an fixed_ip is specified.");
        }

        var subnet = (await repository.SubnetsAsync(network.Id, cancellationToken)).FirstOrDefault()
            ?? throw new InvalidRequestException($"Network {network.Id} requires a subnet in order to boot instances on.");
        if (!Ipv4Cidr.TryParseAddress(fixedIp, out var address) || !subnet.Range.HoldsHost(address))
        {
            throw new InvalidRequestException($"Fixed IP address {fixedIp} is not valid on network {network.Id}.");
        }

        // Nova's API answers an address in use before it accepts the create; the build takes it for good (see PlugAsync).
        return fixedIp == subnet.GatewayIp || await repository.AddressInUseAsync(fixedIp, cancellationToken)
            ? throw new InvalidRequestException($"Fixed IP address {fixedIp} is already in use.")
            : item;
    }

    /// <summary>
    /// The server's ports, made or bound on first call and found again on later ones (a rebuild, a build resumed after a
    /// crash), with their DHCP entries in place; the NICs and network_data they mean for the guest.
    /// </summary>
    internal async Task<PluggedNetworks> PlugAsync(ServerRecord server, CancellationToken cancellationToken)
    {
        var requested = RequestedNetworks.FromStored(server.Networks);
        if (requested.Count == 0)
        {
            return PluggedNetworks.None;
        }

        var networks = (await repository.NetworksAsync(cancellationToken)).ToDictionary(n => n.Id, StringComparer.Ordinal);
        var subnets = await repository.SubnetByNetworkAsync(cancellationToken);
        var ports = (await repository.PortsOfDeviceAsync(server.Uuid, cancellationToken)).ToDictionary(p => p.Position);
        var nics = new List<GuestNic>();
        var data = new List<NetworkDataPort>();
        for (var position = 0; position < requested.Count; position++)
        {
            var item = requested[position];
            if (!ports.TryGetValue(position, out var port))
            {
                port = await NewPortAsync(server, item, position, networks, cancellationToken);
            }

            if (!networks.TryGetValue(port.NetworkId, out var network) || !subnets.TryGetValue(port.NetworkId, out var subnet))
            {
                throw new BuildRefusedException($"Network {port.NetworkId} could not be found.");
            }

            await plane.AddDhcpHostAsync(network, subnet, port, server.Hostname, cancellationToken);
            var forwards = network.Kind == NetworkKinds.User ? await ForwardsAsync(port, network, cancellationToken) : [];
            nics.Add(NetworkPlane.NicFor(port, network, subnet, forwards, plane.Names.PortFilter(port.Id)));
            data.Add(NetworkPlane.NetworkDataFor(port, network, subnet));
        }

        // The NICs' filters (and the groups' that count these ports as members) exist before the guest is defined with them.
        await securityGroups.PortsChangedAsync(cancellationToken);
        return new PluggedNetworks(nics, data);
    }

    /// <summary>A user network port's forwards, taken on first call; a host port that runs dry is a fault on the server.</summary>
    private async Task<IReadOnlyList<PortForwardRecord>> ForwardsAsync(PortRecord port, NetworkRecord network, CancellationToken cancellationToken)
    {
        try
        {
            return await repository.EnsureForwardsAsync(port, network, options.Networking.ForwardPortFirst, options.Networking.ForwardPortLast,
                ForwardPortPicker.IsFreeOnHost, cancellationToken);
        }
        catch (PoolExhaustedException e)
        {
            throw new BuildRefusedException(e.Message);
        }
    }

    private async Task<PortRecord> NewPortAsync(ServerRecord server, RequestedNetwork item, int position, IReadOnlyDictionary<string, NetworkRecord> networks,
        CancellationToken cancellationToken)
    {
        if (item.PortId is { } portId)
        {
            return await repository.BindPortAsync(portId, server.Uuid, position, cancellationToken)
                ? (await repository.FindPortAsync(portId, cancellationToken))!
                : throw new BuildRefusedException($"Port {portId} is still in use.");
        }

        var network = networks.GetValueOrDefault(item.NetworkId ?? "") ?? throw new BuildRefusedException($"Network {item.NetworkId} could not be found.");
        try
        {
            var groups = await GroupsForServerAsync(server, cancellationToken);
            return await repository.CreatePortAsync(
                new NewPort(network, server.ProjectId, server.Uuid, item.FixedIp) { Position = position, SecurityGroups = groups }, cancellationToken);
        }
        catch (AddressInUseException e)
        {
            throw new BuildRefusedException($"Fixed IP address {e.Address} is already in use.");
        }
        catch (NetworkOverQuotaException)
        {
            // Another create took the last port after the API's check: Nova's compute fails the build with the same words.
            throw new BuildRefusedException(PortLimitExceeded);
        }
        catch (PoolExhaustedException e)
        {
            throw new BuildRefusedException($"Build of instance {server.Uuid} aborted: {e.Message}");
        }
    }

    /// <summary>Nova's 400 before the create is accepted: every group a create names is one of the project's (by name or id).</summary>
    public async Task CheckSecurityGroupsAsync(ServerCaller caller, IReadOnlyList<string> namesOrIds, CancellationToken cancellationToken = default)
    {
        if (namesOrIds.All(name => name == SecurityGroupRepository.DefaultName))
        {
            return;
        }

        var (_, missing) = await securityGroups.ResolveNamesAsync(caller.ProjectId, namesOrIds, cancellationToken);
        if (missing is not null)
        {
            throw new InvalidRequestException($"Unable to find security_group with name or id '{missing}'");
        }
    }

    /// <summary>
    /// The groups a port made for the server goes in: those its create named (Nova's names or ids), or the project's default.
    /// A group deleted between the create and the build is a fault on the server.
    /// </summary>
    internal async Task<IReadOnlyList<string>?> GroupsForServerAsync(ServerRecord server, CancellationToken cancellationToken)
    {
        var names = System.Text.Json.JsonSerializer.Deserialize<List<string>>(server.SecurityGroups) ?? [];
        if (names.Count == 0 || names.All(name => name == SecurityGroupRepository.DefaultName))
        {
            return null;
        }

        var (ids, missing) = await securityGroups.ResolveNamesAsync(server.ProjectId, names, cancellationToken);
        return missing is null ? ids : throw new BuildRefusedException($"Security group {missing} not found for project {server.ProjectId}.");
    }

    /// <summary>The server's NICs and network_data as its ports stand, making nothing: what the metadata service shows.</summary>
    internal async Task<PluggedNetworks> DescribeAsync(ServerRecord server, CancellationToken cancellationToken)
    {
        var ports = await repository.PortsOfDeviceAsync(server.Uuid, cancellationToken);
        if (ports.Count == 0)
        {
            return PluggedNetworks.None;
        }

        var networks = (await repository.NetworksAsync(cancellationToken)).ToDictionary(n => n.Id, StringComparer.Ordinal);
        var subnets = await repository.SubnetByNetworkAsync(cancellationToken);
        var nics = new List<GuestNic>();
        var data = new List<NetworkDataPort>();
        foreach (var port in ports.Where(p => p.FixedIps.Count > 0 && networks.ContainsKey(p.NetworkId) && subnets.ContainsKey(p.NetworkId)))
        {
            var network = networks[port.NetworkId];
            var forwards = network.Kind == NetworkKinds.User ? await repository.ForwardsOfPortAsync(port.Id, cancellationToken) : [];
            nics.Add(NetworkPlane.NicFor(port, network, subnets[port.NetworkId], forwards, plane.Names.PortFilter(port.Id)));
            data.Add(NetworkPlane.NetworkDataFor(port, network, subnets[port.NetworkId]));
        }

        return new PluggedNetworks(nics, data);
    }

    /// <summary>
    /// Lets go of the server's ports: their DHCP entries first, then the ports (made ones deleted, the user's unbound).
    /// libvirt refuses a second entry for one address, so an address freed before its entry is gone would fail the next build.
    /// </summary>
    internal async Task UnplugAsync(string serverUuid, CancellationToken cancellationToken)
    {
        var ports = await repository.PortsOfDeviceAsync(serverUuid, cancellationToken);
        if (ports.Count == 0)
        {
            return;
        }

        var networks = (await repository.NetworksAsync(cancellationToken)).ToDictionary(n => n.Id, StringComparer.Ordinal);
        foreach (var port in ports)
        {
            if (networks.TryGetValue(port.NetworkId, out var network))
            {
                await plane.RemoveDhcpHostAsync(network, port.MacAddress, cancellationToken);
            }
        }

        await repository.ReleaseDeviceAsync(serverUuid, cancellationToken);
        // A deleted port's floating IP is disassociated with it (the store's trigger): the NAT to its freed address goes too.
        await nat.RefreshAsync(cancellationToken);
        await securityGroups.PortsChangedAsync(cancellationToken);
    }
}

/// <summary>A server's NICs and what network_data.json says of them, in NIC order.</summary>
internal sealed record PluggedNetworks(IReadOnlyList<GuestNic> Nics, IReadOnlyList<NetworkDataPort> NetworkData)
{
    public static readonly PluggedNetworks None = new([], []);
}
