using Appliance.Core.Identity;

namespace Appliance.Core.Networks;

/// <summary>
/// What the Network API reads, by Neutron's policy: a member sees its own project's networks and the shared ones, the
/// subnets of those, and its own ports; an admin sees everything. What a caller may not see is not found, as in Neutron.
/// </summary>
public sealed class NetworkQueries(NetworkRepository repository)
{
    public async Task<IReadOnlyList<VisibleNetwork>> NetworksAsync(RequestContext caller, CancellationToken cancellationToken = default)
    {
        var subnets = (await repository.SubnetsAsync(cancellationToken: cancellationToken)).ToLookup(subnet => subnet.NetworkId, subnet => subnet.Id);
        return (await repository.NetworksAsync(cancellationToken))
            .Where(network => MaySee(caller, network))
            .Select(network => new VisibleNetwork(network, subnets[network.Id].Order(StringComparer.Ordinal).ToList()))
            .ToList();
    }

    public async Task<VisibleNetwork> NetworkAsync(RequestContext caller, string id, CancellationToken cancellationToken = default) =>
        (await NetworksAsync(caller, cancellationToken)).FirstOrDefault(visible => visible.Network.Id == id)
        ?? throw new NetworkResourceNotFoundException("Network", id);

    public async Task<IReadOnlyList<SubnetRecord>> SubnetsAsync(RequestContext caller, CancellationToken cancellationToken = default)
    {
        var visible = (await repository.NetworksAsync(cancellationToken)).Where(network => MaySee(caller, network)).Select(network => network.Id).ToHashSet();
        return (await repository.SubnetsAsync(cancellationToken: cancellationToken)).Where(subnet => visible.Contains(subnet.NetworkId)).ToList();
    }

    public async Task<SubnetRecord> SubnetAsync(RequestContext caller, string id, CancellationToken cancellationToken = default) =>
        (await SubnetsAsync(caller, cancellationToken)).FirstOrDefault(subnet => subnet.Id == id)
        ?? throw new NetworkResourceNotFoundException("Subnet", id);

    public async Task<IReadOnlyList<PortRecord>> PortsAsync(RequestContext caller, CancellationToken cancellationToken = default) =>
        (await repository.AllPortsAsync(cancellationToken)).Where(port => caller.IsAdmin || port.ProjectId == caller.ProjectId).ToList();

    public async Task<PortRecord> PortAsync(RequestContext caller, string id, CancellationToken cancellationToken = default) =>
        await repository.FindPortAsync(id, cancellationToken) is { } port && (caller.IsAdmin || port.ProjectId == caller.ProjectId)
            ? port
            : throw new NetworkResourceNotFoundException("Port", id);

    private static bool MaySee(RequestContext caller, NetworkRecord network) =>
        caller.IsAdmin || network.Shared || network.ProjectId == caller.ProjectId;
}

/// <summary>A network the caller may see, with the ids of its subnets.</summary>
public sealed record VisibleNetwork(NetworkRecord Network, IReadOnlyList<string> SubnetIds);

/// <summary>Neutron's "Network X could not be found." and its kin; <see cref="Type"/> is the fault type Neutron names.</summary>
public sealed class NetworkResourceNotFoundException(string resource, string id) : NotFoundException($"{resource} {id} could not be found."), INeutronTypedRefusal
{
    public string Type { get; } = $"{resource}NotFound";
}

/// <summary>A network refusal with the type Neutron names it by (NetworkInUse, ...).</summary>
public interface INeutronTypedRefusal
{
    string Type { get; }
}

/// <summary>Neutron's 409 for a network that still has ports.</summary>
public sealed class NetworkInUseException(string networkId)
    : ConflictException($"Unable to complete operation on network {networkId}. There are one or more ports still in use on the network."), INeutronTypedRefusal
{
    public string Type => "NetworkInUse";
}

/// <summary>Neutron's 409 for a subnet whose addresses ports still hold.</summary>
public sealed class SubnetInUseException(string subnetId)
    : ConflictException($"Unable to complete operation on subnet {subnetId}: One or more ports have an IP allocation from this subnet."), INeutronTypedRefusal
{
    public string Type => "SubnetInUse";
}

/// <summary>A port a server still has: the server lets it go (server remove port) before it can be deleted.</summary>
public sealed class PortInUseException(string portId, string deviceId)
    : ConflictException($"Port {portId} is in use by server {deviceId}; remove it from the server first (openstack server remove port)."), INeutronTypedRefusal
{
    public string Type => "PortInUse";
}
