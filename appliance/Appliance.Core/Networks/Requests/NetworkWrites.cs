using Appliance.Core.Configuration;
using Appliance.Core.Identity;
using Appliance.Core.Servers;

namespace Appliance.Core.Networks;

/// <summary>
/// The Network API's writes, by Neutron's policy: members make networks, subnets and ports in their own project (an admin
/// in any, and only an admin shares a network); only the owner or an admin changes or deletes them; readers only read.
/// A network's libvirt side comes up with its subnet and goes with the network.
/// </summary>
public sealed class NetworkWrites(NetworkRepository repository, NetworkQueries queries, NetworkPlane plane, ApplianceOptions options, GuestNatPlane nat,
    SecurityGroupService securityGroups)
{
    public async Task<VisibleNetwork> CreateNetworkAsync(RequestContext caller, NetworkRequest request, CancellationToken cancellationToken = default)
    {
        var projectId = OwnerFor(caller, request.ProjectId, "create_network");
        if (request.Shared == true && !caller.IsAdmin)
        {
            throw new ForbiddenException("(rule:create_network and rule:create_network:shared) is disallowed by policy");
        }

        EnsureMaySetExternal(caller, request, "create_network");

        var now = Timestamps.Now();
        var id = Guid.NewGuid().ToString();
        // A project's network has NAT to the outside as private does; libvirt keeps its guests apart from other networks'.
        await repository.AddNetworkAsync(new NetworkRecord
        {
            Id = id,
            Name = request.Name ?? "",
            ProjectId = projectId,
            Shared = request.Shared ?? false,
            Kind = NetworkKinds.Nat,
            LibvirtName = plane.Names.LibvirtName(id),
            Bridge = plane.Names.Bridge(id),
            Mtu = options.Networking.PrivateMtu,
            AdminStateUp = request.AdminStateUp ?? true,
            RouterExternal = request.RouterExternal ?? false,
            Description = request.Description ?? "",
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken);
        return await queries.NetworkAsync(caller, id, cancellationToken);
    }

    public async Task<VisibleNetwork> UpdateNetworkAsync(RequestContext caller, string id, NetworkRequest request, CancellationToken cancellationToken = default)
    {
        var network = (await OwnedNetworkAsync(caller, id, "update_network", cancellationToken)).Network;
        EnsureMaySetExternal(caller, request, "update_network");
        await repository.UpdateNetworkAsync(id, request.Name ?? network.Name, request.Description ?? network.Description, cancellationToken);
        if (request.RouterExternal is { } external && external != network.RouterExternal)
        {
            await repository.SetRouterExternalAsync(id, external, cancellationToken);
            await nat.RefreshAsync(cancellationToken);
        }

        return await queries.NetworkAsync(caller, id, cancellationToken);
    }

    public async Task DeleteNetworkAsync(RequestContext caller, string id, CancellationToken cancellationToken = default)
    {
        var network = (await OwnedNetworkAsync(caller, id, "delete_network", cancellationToken)).Network;
        await repository.DeleteNetworkAsync(id, cancellationToken);
        if (options.Networking.Enabled && NetworkPlane.IsLibvirtManaged(network))
        {
            await plane.RemoveLibvirtNetworkAsync(network.LibvirtName!, cancellationToken);
        }

        await nat.RefreshAsync(cancellationToken);
    }

    public async Task<SubnetRecord> CreateSubnetAsync(RequestContext caller, SubnetRequest request, CancellationToken cancellationToken = default)
    {
        var network = (await OwnedNetworkAsync(caller, request.NetworkId, "create_subnet", cancellationToken)).Network;
        var subnet = SubnetRules.Build(request, network, Timestamps.Now());
        if (HostRoutes.Read().Where(route => route.Overlaps(subnet.Range)).Select(route => (Ipv4Cidr?)route).FirstOrDefault() is { } route)
        {
            throw new InvalidRequestException($"Invalid input for operation: Requested subnet with cidr: {subnet.Cidr} overlaps with the host's route to {route}.");
        }

        await repository.AddSubnetAsync(subnet, cancellationToken);
        if (options.Networking.Enabled && NetworkPlane.IsLibvirtManaged(network))
        {
            try
            {
                await plane.EnsureAsync(network, subnet, options.Networking.DnsDomain, cancellationToken);
            }
            catch
            {
                // Without its libvirt network the subnet could give out addresses no guest can use: take it back.
                await repository.DeleteSubnetAsync(subnet.Id, CancellationToken.None);
                throw;
            }
        }

        // A NAT network's guests reach outside through the appliance's masquerade, which follows the subnets.
        await nat.RefreshAsync(cancellationToken);
        return subnet;
    }

    public async Task DeleteSubnetAsync(RequestContext caller, string id, CancellationToken cancellationToken = default)
    {
        var subnet = await queries.SubnetAsync(caller, id, cancellationToken);
        var network = (await OwnedNetworkAsync(caller, subnet.NetworkId, "delete_subnet", cancellationToken)).Network;
        await repository.DeleteSubnetAsync(id, cancellationToken);
        if (options.Networking.Enabled && NetworkPlane.IsLibvirtManaged(network))
        {
            await plane.RemoveLibvirtNetworkAsync(network.LibvirtName!, cancellationToken);
        }

        await nat.RefreshAsync(cancellationToken);
    }

    /// <summary>A port made here is the user's: a server it is given to (server create --port) unbinds it when it goes.</summary>
    public async Task<PortRecord> CreatePortAsync(RequestContext caller, PortRequest request, CancellationToken cancellationToken = default)
    {
        var projectId = OwnerFor(caller, request.ProjectId, "create_port");
        var network = (await queries.NetworkAsync(caller, request.NetworkId, cancellationToken)).Network;
        var port = await repository.CreatePortAsync(
            new NewPort(network, projectId, "", request.FixedIp) { Name = request.Name ?? "", PreserveOnDelete = true, SecurityGroups = request.SecurityGroups },
            cancellationToken);
        await securityGroups.PortsChangedAsync(cancellationToken);
        return port;
    }

    public async Task<PortRecord> UpdatePortAsync(RequestContext caller, string id, PortRequest request, CancellationToken cancellationToken = default)
    {
        var port = await OwnedPortAsync(caller, id, "update_port", cancellationToken);
        await repository.UpdatePortNameAsync(id, request.Name ?? port.Name, cancellationToken);
        if (request.SecurityGroups is { } groups)
        {
            await securityGroups.SetPortGroupsAsync(caller, port, groups, cancellationToken);
        }

        return await queries.PortAsync(caller, id, cancellationToken);
    }

    public async Task DeletePortAsync(RequestContext caller, string id, CancellationToken cancellationToken = default)
    {
        var port = await OwnedPortAsync(caller, id, "delete_port", cancellationToken);
        if (port.DeviceId.Length > 0)
        {
            throw new PortInUseException(port.Id, port.DeviceId);
        }

        if (port.DeviceOwner == FloatingIpOwners.FloatingIp)
        {
            throw new PortInUseException(port.Id, port.DeviceId);
        }

        await repository.DeletePortAsync(id, cancellationToken);
        await securityGroups.PortsChangedAsync(cancellationToken);
        // A floating IP associated with the port lost its association with it (the store's trigger): so does the host's NAT.
        await nat.RefreshAsync(cancellationToken);
    }

    /// <summary>Only an admin says which networks are external (Neutron's rule create_network:router:external).</summary>
    private static void EnsureMaySetExternal(RequestContext caller, NetworkRequest request, string rule)
    {
        if (request.RouterExternal is not null && !caller.IsAdmin)
        {
            throw new ForbiddenException($"(rule:{rule} and rule:{rule}:router:external) is disallowed by policy");
        }
    }

    /// <summary>The project a new resource goes to: the caller's, or for an admin any it names.</summary>
    private static string OwnerFor(RequestContext caller, string? projectId, string rule)
    {
        var owner = caller.IsAdmin && !string.IsNullOrEmpty(projectId) ? projectId : caller.ProjectId!;
        return Policy.CanWrite(caller, owner) ? owner : throw new ForbiddenException($"rule:{rule} is disallowed by policy");
    }

    /// <summary>A network the caller may see (404 otherwise) and change (403 for a shared one it does not own, and for readers).</summary>
    private async Task<VisibleNetwork> OwnedNetworkAsync(RequestContext caller, string id, string rule, CancellationToken cancellationToken)
    {
        var visible = await queries.NetworkAsync(caller, id, cancellationToken);
        return Policy.CanWrite(caller, visible.Network.ProjectId) ? visible : throw new ForbiddenException($"rule:{rule} is disallowed by policy");
    }

    private async Task<PortRecord> OwnedPortAsync(RequestContext caller, string id, string rule, CancellationToken cancellationToken)
    {
        var port = await queries.PortAsync(caller, id, cancellationToken);
        return Policy.CanWrite(caller, port.ProjectId) ? port : throw new ForbiddenException($"rule:{rule} is disallowed by policy");
    }
}

/// <summary>What a network create or update gives; null is "not given".</summary>
public sealed record NetworkRequest(string? Name, string? Description = null, bool? AdminStateUp = null, bool? Shared = null, string? ProjectId = null)
{
    /// <summary>router:external: floating IPs may come from the network's pools (admins only).</summary>
    public bool? RouterExternal { get; init; }
}

/// <summary>What a subnet create gives; null is "not given", and GatewayIp "none" is Neutron's null gateway.</summary>
public sealed record SubnetRequest(string NetworkId, string Cidr)
{
    public string? Name { get; init; }
    public int IpVersion { get; init; } = 4;
    public string? GatewayIp { get; init; }
    public bool NoGateway { get; init; }
    public bool EnableDhcp { get; init; } = true;
    public IReadOnlyList<AllocationPool>? AllocationPools { get; init; }
    public IReadOnlyList<string> DnsNameservers { get; init; } = [];
}

/// <summary>What a port create or update gives; null is "not given".</summary>
public sealed record PortRequest(string NetworkId, string? Name = null, string? FixedIp = null, string? ProjectId = null)
{
    /// <summary>The ids of the groups the port is in; null for "not given" (a new port goes in its project's default group).</summary>
    public IReadOnlyList<string>? SecurityGroups { get; init; }
}
