using Appliance.Core.Identity;
using Appliance.Core.Servers;

namespace Appliance.Core.Networks;

/// <summary>
/// The Network API's security groups and rules, by Neutron's policy: a member sees and changes its own project's (an admin
/// all); readers only read; what a caller may not see is not found. A project's default group is made the first time the
/// project lists or uses groups. Every change reaches the data plane (<see cref="SecurityGroupEnforcement"/>) before it answers.
/// </summary>
public sealed class SecurityGroupService(SecurityGroupRepository repository, NetworkRepository networks, SecurityGroupEnforcement enforcement)
{
    public async Task<IReadOnlyList<SecurityGroupRecord>> GroupsAsync(RequestContext caller, CancellationToken cancellationToken = default)
    {
        await EnsureCallersDefaultAsync(caller, cancellationToken);
        return (await repository.GroupsAsync(caller.IsAdmin ? null : caller.ProjectId, cancellationToken)).ToList();
    }

    public async Task<SecurityGroupRecord> GroupAsync(RequestContext caller, string id, CancellationToken cancellationToken = default)
    {
        await EnsureCallersDefaultAsync(caller, cancellationToken);
        return await repository.FindGroupAsync(id, cancellationToken) is { } group && MaySee(caller, group.ProjectId)
            ? group
            : throw new SecurityGroupNotFoundException(id);
    }

    public async Task<SecurityGroupRecord> CreateGroupAsync(RequestContext caller, SecurityGroupRequest request, CancellationToken cancellationToken = default)
    {
        var projectId = OwnerFor(caller, request.ProjectId, "create_security_group");
        if (string.Equals(request.Name, SecurityGroupRepository.DefaultName, StringComparison.OrdinalIgnoreCase))
        {
            throw new SecurityGroupDefaultAlreadyExistsException();
        }

        var now = Timestamps.Now();
        var id = Guid.NewGuid().ToString();
        await repository.CreateGroupAsync(new SecurityGroupRecord
        {
            Id = id,
            ProjectId = projectId,
            Name = request.Name ?? "",
            Description = request.Description ?? "",
            Stateful = request.Stateful ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken);
        return (await repository.FindGroupAsync(id, cancellationToken))!;
    }

    public async Task<SecurityGroupRecord> UpdateGroupAsync(RequestContext caller, string id, SecurityGroupRequest request, CancellationToken cancellationToken = default)
    {
        var group = await OwnedGroupAsync(caller, id, "update_security_group", cancellationToken);
        if (group.IsDefault && request.Name is { } name && name != group.Name)
        {
            throw new SecurityGroupCannotUpdateDefaultException();
        }

        if (!group.IsDefault && string.Equals(request.Name, SecurityGroupRepository.DefaultName, StringComparison.OrdinalIgnoreCase))
        {
            throw new SecurityGroupDefaultAlreadyExistsException();
        }

        await repository.UpdateGroupAsync(id, request.Name ?? group.Name, request.Description ?? group.Description, cancellationToken);
        return (await repository.FindGroupAsync(id, cancellationToken)) ?? throw new SecurityGroupNotFoundException(id);
    }

    /// <summary>Neutron lets only an admin delete a project's default group; a group a port is in is 409 for everyone.</summary>
    public async Task DeleteGroupAsync(RequestContext caller, string id, CancellationToken cancellationToken = default)
    {
        var group = await OwnedGroupAsync(caller, id, "delete_security_group", cancellationToken);
        if (group.IsDefault && !caller.IsAdmin)
        {
            throw new SecurityGroupCannotRemoveDefaultException();
        }

        await repository.DeleteGroupAsync(id, cancellationToken);
        await enforcement.ApplyAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SecurityGroupRuleRecord>> RulesAsync(RequestContext caller, CancellationToken cancellationToken = default)
    {
        await EnsureCallersDefaultAsync(caller, cancellationToken);
        return (await repository.RulesAsync(cancellationToken)).Where(rule => MaySee(caller, rule.ProjectId)).ToList();
    }

    public async Task<SecurityGroupRuleRecord> RuleAsync(RequestContext caller, string id, CancellationToken cancellationToken = default) =>
        await repository.FindRuleAsync(id, cancellationToken) is { } rule && MaySee(caller, rule.ProjectId)
            ? rule
            : throw new SecurityGroupRuleNotFoundException(id);

    public async Task<SecurityGroupRuleRecord> CreateRuleAsync(RequestContext caller, SecurityGroupRuleRequest request, CancellationToken cancellationToken = default)
    {
        var rule = SecurityGroupRuleChecks.Normalize(request);
        var group = await OwnedGroupAsync(caller, rule.SecurityGroupId, "create_security_group_rule", cancellationToken);
        if (request.ProjectId is { } projectId && projectId != group.ProjectId && !caller.IsAdmin)
        {
            throw new ForbiddenException("rule:create_security_group_rule is disallowed by policy");
        }

        if (rule.RemoteGroupId is { } remote)
        {
            await GroupAsync(caller, remote, cancellationToken);
        }

        var created = await repository.CreateRuleAsync(rule, cancellationToken);
        await enforcement.ApplyAsync(cancellationToken);
        return created;
    }

    public async Task DeleteRuleAsync(RequestContext caller, string id, CancellationToken cancellationToken = default)
    {
        var rule = await RuleAsync(caller, id, cancellationToken);
        if (!Policy.CanWrite(caller, rule.ProjectId))
        {
            throw new ForbiddenException("rule:delete_security_group_rule is disallowed by policy");
        }

        if (!await repository.DeleteRuleAsync(id, cancellationToken))
        {
            throw new SecurityGroupRuleNotFoundException(id);
        }

        await enforcement.ApplyAsync(cancellationToken);
    }

    /// <summary>Puts the caller's port in exactly these groups (ids of its project's groups) and applies it to the guest at once.</summary>
    public async Task SetPortGroupsAsync(RequestContext caller, PortRecord port, IReadOnlyList<string> groupIds, CancellationToken cancellationToken = default)
    {
        if (!Policy.CanWrite(caller, port.ProjectId))
        {
            throw new ForbiddenException("rule:update_port is disallowed by policy");
        }

        await repository.SetPortGroupsAsync(port.Id, groupIds, cancellationToken);
        await enforcement.ApplyAsync(cancellationToken);
    }

    /// <summary>Ports came or went (a port's create or delete, a server's build or delete): the groups that name them as remote members change.</summary>
    public Task PortsChangedAsync(CancellationToken cancellationToken = default) => enforcement.ApplyAsync(cancellationToken);

    /// <summary>
    /// The ids of the project's groups with these names or ids (a server create's security_groups, Nova's names), or null
    /// for the first one not found; the default group is made if it is asked for and missing.
    /// </summary>
    public async Task<(IReadOnlyList<string> Ids, string? Missing)> ResolveNamesAsync(string projectId, IReadOnlyList<string> namesOrIds,
        CancellationToken cancellationToken = default)
    {
        await repository.EnsureDefaultAsync(projectId, cancellationToken);
        var groups = await repository.GroupsAsync(projectId, cancellationToken);
        var ids = new List<string>();
        foreach (var wanted in namesOrIds)
        {
            var matches = groups.Where(group => group.Id == wanted).ToList() is { Count: 1 } byId ? byId : groups.Where(group => group.Name == wanted).ToList();
            if (matches.Count != 1)
            {
                return (ids, wanted);
            }

            ids.Add(matches[0].Id);
        }

        return (ids.Distinct(StringComparer.Ordinal).ToList(), null);
    }

    /// <summary>The groups of a server's ports (in the order first met), for Nova's security_groups views.</summary>
    public async Task<IReadOnlyList<SecurityGroupRecord>> GroupsOfServerAsync(string serverUuid, CancellationToken cancellationToken = default)
    {
        var ids = (await networks.PortsOfDeviceAsync(serverUuid, cancellationToken)).SelectMany(port => port.SecurityGroups).Distinct(StringComparer.Ordinal).ToList();
        var groups = new List<SecurityGroupRecord>();
        foreach (var id in ids)
        {
            if (await repository.FindGroupAsync(id, cancellationToken) is { } group)
            {
                groups.Add(group);
            }
        }

        return groups;
    }

    private async Task EnsureCallersDefaultAsync(RequestContext caller, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(caller.ProjectId))
        {
            await repository.EnsureDefaultAsync(caller.ProjectId, cancellationToken);
        }
    }

    private async Task<SecurityGroupRecord> OwnedGroupAsync(RequestContext caller, string id, string rule, CancellationToken cancellationToken)
    {
        var group = await GroupAsync(caller, id, cancellationToken);
        return Policy.CanWrite(caller, group.ProjectId) ? group : throw new ForbiddenException($"rule:{rule} is disallowed by policy");
    }

    private static bool MaySee(RequestContext caller, string projectId) => caller.IsAdmin || projectId == caller.ProjectId;

    /// <summary>The project a new group goes to: the caller's, or for an admin any it names.</summary>
    private static string OwnerFor(RequestContext caller, string? projectId, string rule)
    {
        var owner = caller.IsAdmin && !string.IsNullOrEmpty(projectId) ? projectId : caller.ProjectId!;
        return Policy.CanWrite(caller, owner) ? owner : throw new ForbiddenException($"rule:{rule} is disallowed by policy");
    }
}
