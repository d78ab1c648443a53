using Appliance.Core.Identity;

namespace Appliance.Core.Networks;

/// <summary>
/// Floating IPs and their port forwardings, by Neutron's policy: a member sees and changes its own project's, an admin
/// all; another project's is not found. Every change is followed by the host's NAT, rebuilt from the store.
/// </summary>
public sealed class FloatingIpService(FloatingIpRepository repository, NetworkQueries queries, GuestNatPlane nat)
{
    public async Task<IReadOnlyList<FloatingIpRecord>> ListAsync(RequestContext caller, CancellationToken cancellationToken = default) =>
        (await repository.FloatingIpsAsync(cancellationToken)).Where(fip => Policy.CanRead(caller, fip.ProjectId)).ToList();

    public async Task<FloatingIpRecord> ShowAsync(RequestContext caller, string id, CancellationToken cancellationToken = default) =>
        await repository.FindAsync(id, cancellationToken) is { } fip && Policy.CanRead(caller, fip.ProjectId)
            ? fip
            : throw new NetworkResourceNotFoundException("FloatingIP", id);

    public async Task<FloatingIpRecord> CreateAsync(RequestContext caller, FloatingIpRequest request, CancellationToken cancellationToken = default)
    {
        var projectId = caller.IsAdmin && !string.IsNullOrEmpty(request.ProjectId) ? request.ProjectId : caller.ProjectId!;
        if (!Policy.CanWrite(caller, projectId))
        {
            throw new ForbiddenException("rule:create_floatingip is disallowed by policy");
        }

        var network = (await queries.NetworkAsync(caller, request.FloatingNetworkId!, cancellationToken)).Network;
        if (!network.RouterExternal)
        {
            throw new InvalidRequestException($"Bad floatingip request: Network {network.Id} is not a valid external network.");
        }

        if (!GuestNatPlane.IsExternalBridge(network))
        {
            throw new InvalidRequestException($"Bad floatingip request: Network {network.Id} is not on a host bridge; floating addresses come from provider networks.");
        }

        var association = request.PortId is { } portId ? await AssociationAsync(caller, projectId, portId, request.FixedIpAddress, cancellationToken) : null;
        var fip = await repository.CreateAsync(new NewFloatingIp(network, projectId, request.FloatingIpAddress, association, request.Description ?? ""), cancellationToken);
        await nat.RefreshAsync(cancellationToken);
        return fip;
    }

    /// <summary>port_id given associates (a string) or disassociates (null); description alone changes only that.</summary>
    public async Task<FloatingIpRecord> UpdateAsync(RequestContext caller, string id, FloatingIpRequest request, CancellationToken cancellationToken = default)
    {
        var fip = await WritableAsync(caller, id, "update_floatingip", cancellationToken);
        var association = request.PortGiven && request.PortId is { } portId
            ? await AssociationAsync(caller, fip.ProjectId, portId, request.FixedIpAddress, cancellationToken)
            : null;
        var updated = await repository.UpdateAsync(id, association, request.PortGiven, request.Description, cancellationToken);
        await nat.RefreshAsync(cancellationToken);
        return updated;
    }

    public async Task DeleteAsync(RequestContext caller, string id, CancellationToken cancellationToken = default)
    {
        await WritableAsync(caller, id, "delete_floatingip", cancellationToken);
        await repository.DeleteAsync(id, cancellationToken);
        await nat.RefreshAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PortForwardingRecord>> ForwardingsAsync(RequestContext caller, string floatingIpId, CancellationToken cancellationToken = default)
    {
        await ShowAsync(caller, floatingIpId, cancellationToken);
        return await repository.ForwardingsAsync(floatingIpId, cancellationToken);
    }

    public async Task<PortForwardingRecord> ForwardingAsync(RequestContext caller, string floatingIpId, string id, CancellationToken cancellationToken = default) =>
        (await ForwardingsAsync(caller, floatingIpId, cancellationToken)).FirstOrDefault(f => f.Id == id)
        ?? throw new NetworkResourceNotFoundException("PortForwarding", id);

    public async Task<PortForwardingRecord> CreateForwardingAsync(RequestContext caller, string floatingIpId, PortForwardingRequest request,
        CancellationToken cancellationToken = default)
    {
        var fip = await WritableAsync(caller, floatingIpId, "create_floatingip_port_forwarding", cancellationToken);
        var forwarding = await CheckedAsync(caller, fip, new PortForwardingRecord
        {
            Id = Guid.NewGuid().ToString(),
            FloatingIpId = fip.Id,
            Protocol = request.Protocol!,
            ExternalPort = request.ExternalPort!.Value,
            InternalPort = request.InternalPort!.Value,
            InternalPortId = request.InternalPortId!,
            InternalIpAddress = request.InternalIpAddress!,
            Description = request.Description ?? "",
        }, cancellationToken);
        var added = await repository.AddForwardingAsync(forwarding, cancellationToken);
        await nat.RefreshAsync(cancellationToken);
        return added;
    }

    public async Task<PortForwardingRecord> UpdateForwardingAsync(RequestContext caller, string floatingIpId, string id, PortForwardingRequest request,
        CancellationToken cancellationToken = default)
    {
        var fip = await WritableAsync(caller, floatingIpId, "update_floatingip_port_forwarding", cancellationToken);
        var current = await ForwardingAsync(caller, floatingIpId, id, cancellationToken);
        var forwarding = await CheckedAsync(caller, fip, current with
        {
            Protocol = request.Protocol ?? current.Protocol,
            ExternalPort = request.ExternalPort ?? current.ExternalPort,
            InternalPort = request.InternalPort ?? current.InternalPort,
            InternalPortId = request.InternalPortId ?? current.InternalPortId,
            InternalIpAddress = request.InternalIpAddress ?? current.InternalIpAddress,
            Description = request.Description ?? current.Description,
        }, cancellationToken);
        var updated = await repository.UpdateForwardingAsync(forwarding, cancellationToken);
        await nat.RefreshAsync(cancellationToken);
        return updated;
    }

    public async Task DeleteForwardingAsync(RequestContext caller, string floatingIpId, string id, CancellationToken cancellationToken = default)
    {
        await WritableAsync(caller, floatingIpId, "delete_floatingip_port_forwarding", cancellationToken);
        if (!await repository.DeleteForwardingAsync(floatingIpId, id, cancellationToken))
        {
            throw new NetworkResourceNotFoundException("PortForwarding", id);
        }

        await nat.RefreshAsync(cancellationToken);
    }

    /// <summary>A floating IP the caller may see (404 otherwise) and change (403 for a reader).</summary>
    private async Task<FloatingIpRecord> WritableAsync(RequestContext caller, string id, string rule, CancellationToken cancellationToken)
    {
        var fip = await ShowAsync(caller, id, cancellationToken);
        return Policy.CanWrite(caller, fip.ProjectId) ? fip : throw new ForbiddenException($"rule:{rule} is disallowed by policy");
    }

    /// <summary>The forwarding's internal end is a port of the floating IP's project, on a NAT network, holding the address.</summary>
    private async Task<PortForwardingRecord> CheckedAsync(RequestContext caller, FloatingIpRecord fip, PortForwardingRecord forwarding, CancellationToken cancellationToken)
    {
        await AssociationAsync(caller, fip.ProjectId, forwarding.InternalPortId, forwarding.InternalIpAddress, cancellationToken);
        return forwarding;
    }

    /// <summary>
    /// The port and fixed address a floating IP would reach: the port is the caller's (404 otherwise) and the floating IP's
    /// project's, it has the address (the first when none is named), and it is on one of the appliance's NAT networks.
    /// </summary>
    private async Task<Association> AssociationAsync(RequestContext caller, string projectId, string portId, string? fixedAddress, CancellationToken cancellationToken)
    {
        var port = await queries.PortAsync(caller, portId, cancellationToken);
        if (port.ProjectId != projectId || port.DeviceOwner == FloatingIpOwners.FloatingIp)
        {
            throw new NetworkResourceNotFoundException("Port", portId);
        }

        if (port.FixedIps.Count == 0)
        {
            throw new InvalidRequestException($"Bad floatingip request: Port {portId} does not have any fixed IP addresses.");
        }

        var address = fixedAddress ?? port.FixedIps[0].IpAddress;
        if (port.FixedIps.All(ip => ip.IpAddress != address))
        {
            throw new InvalidRequestException($"Bad floatingip request: Port {portId} does not have fixed ip {address}.");
        }

        var network = (await queries.NetworkAsync(caller, port.NetworkId, cancellationToken)).Network;
        return network.Kind == NetworkKinds.Nat ? new Association(port.Id, address) : throw new PortNotNattableException(portId, network.Id);
    }
}

/// <summary>What a floating IP create or update gives; null is "not given", and PortGiven tells a null port_id (disassociate) from none.</summary>
public sealed record FloatingIpRequest
{
    public string? FloatingNetworkId { get; init; }
    public string? FloatingIpAddress { get; init; }
    public string? PortId { get; init; }
    public bool PortGiven { get; init; }
    public string? FixedIpAddress { get; init; }
    public string? Description { get; init; }
    public string? ProjectId { get; init; }
}

/// <summary>What a port forwarding create or update gives; null is "not given".</summary>
public sealed record PortForwardingRequest
{
    public string? Protocol { get; init; }
    public int? ExternalPort { get; init; }
    public int? InternalPort { get; init; }
    public string? InternalPortId { get; init; }
    public string? InternalIpAddress { get; init; }
    public string? Description { get; init; }
}
