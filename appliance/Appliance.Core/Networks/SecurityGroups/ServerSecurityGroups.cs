using Appliance.Core.Servers;

namespace Appliance.Core.Networks;

/// <summary>
/// Nova's side of security groups: a server's groups are its ports' groups. addSecurityGroup puts every port of the server
/// in the group, removeSecurityGroup takes every port out of it, both reaching the running guest before they answer; the
/// server's own list of names (its `security_groups`) follows.
/// </summary>
public sealed class ServerSecurityGroups(ServerService servers, NetworkRepository networks, SecurityGroupRepository groups, SecurityGroupEnforcement enforcement)
{
    /// <summary>The groups of the server's ports, for GET /servers/{id}/os-security-groups.</summary>
    public async Task<IReadOnlyList<SecurityGroupRecord>> ListAsync(ServerCaller caller, string serverId, CancellationToken cancellationToken = default)
    {
        var server = await servers.GetAsync(caller, serverId, cancellationToken);
        var ids = (await networks.PortsOfDeviceAsync(server.Uuid, cancellationToken)).SelectMany(port => port.SecurityGroups).Distinct(StringComparer.Ordinal);
        var all = (await groups.GroupsAsync(cancellationToken: cancellationToken)).ToDictionary(group => group.Id, StringComparer.Ordinal);
        return ids.Where(all.ContainsKey).Select(id => all[id]).ToList();
    }

    public Task AddAsync(ServerCaller caller, string serverId, string nameOrId, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, serverId, nameOrId, "os_compute_api:os-security-groups:add", (current, id) => current.Contains(id) ? current : [.. current, id],
            cancellationToken);

    public Task RemoveAsync(ServerCaller caller, string serverId, string nameOrId, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, serverId, nameOrId, "os_compute_api:os-security-groups:remove", (current, id) => current.Where(g => g != id).ToList(),
            cancellationToken, mustHave: true);

    private async Task ChangeAsync(ServerCaller caller, string serverId, string nameOrId, string rule,
        Func<IReadOnlyList<string>, string, IReadOnlyList<string>> change, CancellationToken cancellationToken, bool mustHave = false)
    {
        var server = await servers.GetAsync(caller, serverId, cancellationToken);
        caller.RequireWrite(server, rule);
        var project = await groups.GroupsAsync(server.ProjectId, cancellationToken);
        var matches = project.Where(group => group.Id == nameOrId).ToList() is { Count: 1 } byId ? byId : project.Where(group => group.Name == nameOrId).ToList();
        if (matches.Count > 1)
        {
            throw new ConflictException($"Multiple security group matches found for name '{nameOrId}', use an ID to be more specific.");
        }

        var group = matches.SingleOrDefault() ?? throw new NotFoundException($"Security group {nameOrId} not found for project {server.ProjectId}.");
        var ports = await networks.PortsOfDeviceAsync(server.Uuid, cancellationToken);
        if (ports.Count == 0)
        {
            throw new NotFoundException($"instance_id {server.Uuid} could not be found as device id on any ports");
        }

        if (mustHave && !ports.Any(port => port.SecurityGroups.Contains(group.Id)))
        {
            throw new NotFoundException($"Security group {nameOrId} not associated with the instance {server.Uuid}");
        }

        var changed = ports.ToDictionary(port => port.Id, port => change(port.SecurityGroups, group.Id), StringComparer.Ordinal);
        var nameOf = project.ToDictionary(g => g.Id, g => g.Name, StringComparer.Ordinal);
        var names = changed.Values.SelectMany(ids => ids).Distinct(StringComparer.Ordinal).Select(id => nameOf.GetValueOrDefault(id, id)).ToList();
        await groups.SetServerGroupsAsync(server.Uuid, changed, names, cancellationToken);
        await enforcement.ApplyAsync(cancellationToken);
    }
}
