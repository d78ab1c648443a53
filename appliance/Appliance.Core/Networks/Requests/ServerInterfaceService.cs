using Appliance.Core.Servers;
using Appliance.Hypervisor.Driver;

namespace Appliance.Core.Networks;

/// <summary>Nova's os-interface: a server's ports as interface attachments; attach (hot-plug when it runs) and detach.</summary>
public sealed class ServerInterfaceService(
    ServerService servers, NetworkRepository repository, NetworkPlane plane, ServerTaskRunner runner, IComputeDriver driver, GuestNatPlane nat,
    SecurityGroupService securityGroups)
{
    /// <summary>Where Nova lets an interface be attached or detached: a guest that runs, is paused or is stopped.</summary>
    public static readonly IReadOnlySet<string> AllowedVmStates =
        new HashSet<string>(StringComparer.Ordinal) { VmStates.Active, VmStates.Paused, VmStates.Stopped };

    public async Task<IReadOnlyList<InterfaceAttachment>> ListAsync(ServerCaller caller, string serverId, CancellationToken cancellationToken = default)
    {
        var server = await servers.GetAsync(caller, serverId, cancellationToken);
        return (await repository.PortsOfDeviceAsync(server.Uuid, cancellationToken)).Select(InterfaceAttachment.Of).ToList();
    }

    public async Task<InterfaceAttachment> ShowAsync(ServerCaller caller, string serverId, string portId, CancellationToken cancellationToken = default)
    {
        var server = await servers.GetAsync(caller, serverId, cancellationToken);
        var port = await repository.FindPortAsync(portId, cancellationToken)
            ?? throw new NotFoundException($"Port id {portId} could not be found.");
        return port.DeviceId == server.Uuid
            ? InterfaceAttachment.Of(port)
            : throw new NotFoundException($"Instance {server.Uuid} does not have a port with id {portId}");
    }

    /// <summary>
    /// Makes a port on the network (or takes the given free port), gives it its DHCP entry and plugs it in as the next NIC,
    /// live when the guest runs. A failed plug takes the port back, so nothing is left half-attached.
    /// </summary>
    public async Task<InterfaceAttachment> AttachAsync(ServerCaller caller, string serverId, NewInterface request, CancellationToken cancellationToken = default)
    {
        var server = await servers.GetAsync(caller, serverId, cancellationToken);
        caller.RequireWrite(server, "os_compute_api:os-attach-interfaces:create");
        ServerStateChecks.RequireUnlocked(server, caller);
        ServerStateChecks.RequireState(server, AllowedVmStates, idle: true, "attach_interface", server.Uuid);
        var networks = (await repository.NetworksAsync(cancellationToken)).ToDictionary(n => n.Id, StringComparer.Ordinal);
        return await runner.RunInLaneAsync(server.Uuid, async token =>
        {
            var position = (await repository.PortsOfDeviceAsync(server.Uuid, token)).Select(p => p.Position + 1).DefaultIfEmpty(0).Max();
            var port = await TakePortAsync(caller, server, request, networks, position, token);
            var network = networks[port.NetworkId];
            var subnet = (await repository.SubnetsAsync(network.Id, token)).First();
            try
            {
                await plane.AddDhcpHostAsync(network, subnet, port, server.Hostname, token);
                // The port's filter exists before the NIC that uses it is plugged in.
                await securityGroups.PortsChangedAsync(token);
                await driver.AttachNicAsync(server.Id, NetworkPlane.NicFor(port, network, filterName: plane.Names.PortFilter(port.Id)), token);
            }
            catch (Exception e) when (e is not RequestRefusedException)
            {
                await ReleaseAsync(port, network, CancellationToken.None);
                throw new InterfaceAttachFailedException(server.Uuid, e);
            }

            return InterfaceAttachment.Of(port);
        }, cancellationToken);
    }

    private async Task<PortRecord> TakePortAsync(ServerCaller caller, ServerRecord server, NewInterface request,
        IReadOnlyDictionary<string, NetworkRecord> networks, int position, CancellationToken cancellationToken)
    {
        if (request.PortId is { } portId)
        {
            var port = await repository.FindPortAsync(portId, cancellationToken);
            if (port is null || !(caller.IsAdmin || port.ProjectId == server.ProjectId))
            {
                throw new NotFoundException($"Port id {portId} could not be found.");
            }

            RefuseUserNetwork(networks.GetValueOrDefault(port.NetworkId));
            return await repository.BindPortAsync(portId, server.Uuid, position, cancellationToken)
                ? (await repository.FindPortAsync(portId, cancellationToken))!
                : throw new ConflictException($"Port {portId} is still in use.");
        }

        var network = request.NetworkId is { } networkId
            ? networks.GetValueOrDefault(networkId) is { } named && (named.Shared || caller.IsAdmin || named.ProjectId == server.ProjectId) ? named
                : throw new NotFoundException($"Network {networkId} could not be found.")
            : ServerNetworking.DefaultFor(networks.Values, await repository.SubnetByNetworkAsync(cancellationToken), server.ProjectId)
                ?? throw new InvalidRequestException("No network available to attach the interface to.");
        RefuseUserNetwork(network);
        try
        {
            return await repository.CreatePortAsync(new NewPort(network, server.ProjectId, server.Uuid, request.FixedIp) { Position = position }, cancellationToken);
        }
        catch (PoolExhaustedException e)
        {
            throw new InvalidRequestException(e.Message);
        }
        catch (NetworkOverQuotaException)
        {
            // Nova answers an attach past the port quota with 403 PortLimitExceeded.
            throw new OverQuotaException(ServerNetworking.PortLimitExceeded);
        }
    }

    /// <summary>Unplugs the port's NIC (waiting until a running guest lets go), then deletes the port, or unbinds one the user made.</summary>
    public async Task DetachAsync(ServerCaller caller, string serverId, string portId, CancellationToken cancellationToken = default)
    {
        var server = await servers.GetAsync(caller, serverId, cancellationToken);
        caller.RequireWrite(server, "os_compute_api:os-attach-interfaces:delete");
        ServerStateChecks.RequireUnlocked(server, caller);
        ServerStateChecks.RequireState(server, AllowedVmStates, idle: true, "detach_interface", server.Uuid);
        var port = await repository.FindPortAsync(portId, cancellationToken);
        if (port is null || port.DeviceId != server.Uuid)
        {
            throw new NotFoundException($"Port id {portId} could not be found.");
        }

        var network = await repository.FindNetworkAsync(port.NetworkId, cancellationToken);
        RefuseUserNetwork(network);
        await runner.RunInLaneAsync(server.Uuid, async token =>
        {
            await driver.DetachNicAsync(server.Id, port.MacAddress, token);
            if (network is not null)
            {
                await ReleaseAsync(port, network, token);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>A user-mode NIC and its forwards are the server's from create to delete: QEMU's SLIRP cannot be plugged live.</summary>
    private static void RefuseUserNetwork(NetworkRecord? network)
    {
        if (network?.Kind == NetworkKinds.User)
        {
            throw new ConflictException($"Network {network.Id} is a user-mode network: its interface is given when the server is created and goes when it is deleted.");
        }
    }

    /// <summary>The DHCP entry goes before the address is free (see <see cref="ServerNetworking.UnplugAsync"/>).</summary>
    private async Task ReleaseAsync(PortRecord port, NetworkRecord network, CancellationToken cancellationToken)
    {
        await plane.RemoveDhcpHostAsync(network, port.MacAddress, cancellationToken);
        if (port.PreserveOnDelete)
        {
            await repository.UnbindPortAsync(port.Id, cancellationToken);
        }
        else
        {
            await repository.DeletePortAsync(port.Id, cancellationToken);
            await nat.RefreshAsync(cancellationToken);
        }

        await securityGroups.PortsChangedAsync(cancellationToken);
    }
}

/// <summary>What an attach asks for: a network (with an address or any), a port, or neither for the default.</summary>
public sealed record NewInterface(string? NetworkId, string? PortId, string? FixedIp);

/// <summary>One of a server's ports as Nova's interfaceAttachment shows it.</summary>
public sealed record InterfaceAttachment(string PortId, string NetworkId, string MacAddress, string PortState, IReadOnlyList<FixedIp> FixedIps)
{
    public static InterfaceAttachment Of(PortRecord port) => new(port.Id, port.NetworkId, port.MacAddress, port.Status, port.FixedIps);
}

/// <summary>The hypervisor could not plug the NIC in: Nova's InterfaceAttachFailed, a 500 with its message.</summary>
public sealed class InterfaceAttachFailedException(string serverId, Exception inner)
    : Exception($"Failed to attach network adapter device to {serverId}", inner);
