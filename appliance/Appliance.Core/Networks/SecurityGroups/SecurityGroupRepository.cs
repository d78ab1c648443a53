using System.Data;
using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;
using static Appliance.Core.Networks.SecurityGroupRows;

namespace Appliance.Core.Networks;

/// <summary>Security groups, their rules, and which groups a port is in (ports.security_groups), in the store.</summary>
/// <remarks>Public only as a name, for the public services' constructors; everything it does is internal to the core.</remarks>
public sealed class SecurityGroupRepository(Database database)
{
    public const string DefaultName = "default";

    /// <summary>Every group (of one project, when given) with its rules, oldest first.</summary>
    internal async Task<IReadOnlyList<SecurityGroupRecord>> GroupsAsync(string? projectId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await GroupsWhereAsync(connection, null, "@projectId IS NULL OR project_id = @projectId", new { projectId });
    }

    internal async Task<SecurityGroupRecord?> FindGroupAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await GroupsWhereAsync(connection, null, "id = @id", new { id })).FirstOrDefault();
    }

    internal async Task<IReadOnlyList<SecurityGroupRuleRecord>> RulesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await RulesWhereAsync(connection, null, "1 = 1", new { });
    }

    private static async Task<IReadOnlyList<SecurityGroupRecord>> GroupsWhereAsync(SqliteConnection connection, IDbTransaction? transaction, string where, object parameters)
    {
        var groups = (await connection.QueryAsync<GroupRow>($"SELECT {GroupColumns} FROM security_groups WHERE {where} ORDER BY created_at, id", parameters, transaction)).ToList();
        if (groups.Count == 0)
        {
            return [];
        }

        var rules = (await RulesWhereAsync(connection, transaction, "security_group_id IN (SELECT value FROM json_each(@ids))",
            new { ids = SqlParameters.JsonList(groups.Select(group => group.Id)) })).ToLookup(rule => rule.SecurityGroupId);
        return groups.Select(group => group.ToRecord(rules[group.Id].ToList())).ToList();
    }

    private static async Task<IReadOnlyList<SecurityGroupRuleRecord>> RulesWhereAsync(SqliteConnection connection, IDbTransaction? transaction, string where, object parameters) =>
        (await connection.QueryAsync<RuleRow>($"SELECT {RuleColumns} FROM security_group_rules WHERE {where} ORDER BY created_at, id", parameters, transaction))
        .Select(row => row.ToRecord()).ToList();

    /// <summary>The project's default group, made with Neutron's default rules if it has none: call it when a project first needs it.</summary>
    internal Task<string> EnsureDefaultAsync(string projectId, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => EnsureDefaultAsync(connection, transaction, projectId), cancellationToken);

    /// <summary>
    /// Inside the caller's BEGIN IMMEDIATE transaction, so two first requests of a project can't both make one (and the
    /// partial unique index backs that up). Its rules are Neutron's and never count against the rule quota.
    /// </summary>
    internal static async Task<string> EnsureDefaultAsync(SqliteConnection connection, IDbTransaction transaction, string projectId)
    {
        var existing = await connection.QueryFirstOrDefaultAsync<string>(
            "SELECT id FROM security_groups WHERE project_id = @projectId AND is_default = 1", new { projectId }, transaction);
        if (existing is not null)
        {
            return existing;
        }

        var id = Guid.NewGuid().ToString();
        var now = Timestamps.Now();
        await InsertGroupAsync(connection, transaction, new SecurityGroupRecord
        {
            Id = id,
            ProjectId = projectId,
            Name = DefaultName,
            Description = "Default security group",
            IsDefault = true,
            CreatedAt = now,
            UpdatedAt = now,
        });
        foreach (var ethertype in new[] { SecurityGroupRuleRecord.Ethertypes.IPv4, SecurityGroupRuleRecord.Ethertypes.IPv6 })
        {
            await InsertRuleAsync(connection, transaction, NewRule(id, projectId, SecurityGroupRuleRecord.Directions.Egress, ethertype, now));
            await InsertRuleAsync(connection, transaction, NewRule(id, projectId, SecurityGroupRuleRecord.Directions.Ingress, ethertype, now) with { RemoteGroupId = id });
        }

        return id;
    }

    /// <summary>Adds a group within the project's quota, with Neutron's egress rules for a new group (all egress, IPv4 and IPv6).</summary>
    internal Task CreateGroupAsync(SecurityGroupRecord group, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // The project's default comes first, as Neutron makes it before the project's first group.
            await EnsureDefaultAsync(connection, transaction, group.ProjectId);
            await NetworkQuotas.EnsureAvailableAsync(connection, transaction, group.ProjectId, NetworkQuotaResources.SecurityGroup);
            await InsertGroupAsync(connection, transaction, group);
            foreach (var ethertype in new[] { SecurityGroupRuleRecord.Ethertypes.IPv4, SecurityGroupRuleRecord.Ethertypes.IPv6 })
            {
                await InsertRuleAsync(connection, transaction, NewRule(group.Id, group.ProjectId, SecurityGroupRuleRecord.Directions.Egress, ethertype, group.CreatedAt));
            }

            return 0;
        }, cancellationToken);

    internal Task UpdateGroupAsync(string id, string name, string description, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync("""
            UPDATE security_groups SET name = @name, description = @description, updated_at = @now, revision_number = revision_number + 1 WHERE id = @id
            """, new { id, name, description, now = Timestamps.Now() }, transaction), cancellationToken);

    /// <summary>Deletes a group and its rules (and the rules naming it as remote group); refused while a port is in it.</summary>
    internal Task DeleteGroupAsync(string id, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM ports p, json_each(p.security_groups) g WHERE g.value = @id", new { id }, transaction) > 0)
            {
                throw new SecurityGroupInUseException(id);
            }

            return await connection.ExecuteAsync("DELETE FROM security_groups WHERE id = @id", new { id }, transaction);
        }, cancellationToken);

    /// <summary>
    /// Adds a rule to a group that is still there, naming a remote group that is still there, within the project's rule
    /// quota; a rule with the same traffic as one the group has is Neutron's 409.
    /// </summary>
    internal Task<SecurityGroupRuleRecord> CreateRuleAsync(SecurityGroupRuleRequest request, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var group = (await GroupsWhereAsync(connection, transaction, "id = @id", new { id = request.SecurityGroupId })).FirstOrDefault()
                ?? throw new SecurityGroupNotFoundException(request.SecurityGroupId);
            if (request.RemoteGroupId is { } remote
                && await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM security_groups WHERE id = @remote", new { remote }, transaction) == 0)
            {
                throw new SecurityGroupNotFoundException(remote);
            }

            if (group.Rules.FirstOrDefault(rule => SecurityGroupRuleChecks.SameTraffic(rule, request)) is { } same)
            {
                throw new SecurityGroupRuleExistsException(same.Id);
            }

            await NetworkQuotas.EnsureAvailableAsync(connection, transaction, group.ProjectId, NetworkQuotaResources.SecurityGroupRule);
            var now = Timestamps.Now();
            var rule = NewRule(group.Id, group.ProjectId, request.Direction, request.Ethertype!, now) with
            {
                Protocol = request.Protocol,
                PortRangeMin = request.PortRangeMin,
                PortRangeMax = request.PortRangeMax,
                RemoteIpPrefix = request.RemoteIpPrefix,
                RemoteGroupId = request.RemoteGroupId,
                Description = request.Description ?? "",
            };
            await InsertRuleAsync(connection, transaction, rule);
            // A rule change is a change of its group, as Neutron counts revisions.
            await connection.ExecuteAsync("UPDATE security_groups SET revision_number = revision_number + 1, updated_at = @now WHERE id = @id",
                new { id = group.Id, now }, transaction);
            return rule;
        }, cancellationToken);

    internal async Task<SecurityGroupRuleRecord?> FindRuleAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await RulesWhereAsync(connection, null, "id = @id", new { id })).FirstOrDefault();
    }

    internal Task<bool> DeleteRuleAsync(string id, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var now = Timestamps.Now();
            await connection.ExecuteAsync("""
                UPDATE security_groups SET revision_number = revision_number + 1, updated_at = @now
                WHERE id = (SELECT security_group_id FROM security_group_rules WHERE id = @id)
                """, new { id, now }, transaction);
            return await connection.ExecuteAsync("DELETE FROM security_group_rules WHERE id = @id", new { id }, transaction) == 1;
        }, cancellationToken);

    /// <summary>Puts a port in exactly these groups, each still there and of the port's project (404 otherwise).</summary>
    internal Task SetPortGroupsAsync(string portId, IReadOnlyList<string> groupIds, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var projectId = await connection.QueryFirstOrDefaultAsync<string>("SELECT project_id FROM ports WHERE id = @portId", new { portId }, transaction)
                ?? throw new NetworkResourceNotFoundException("Port", portId);
            await CheckGroupsAsync(connection, transaction, projectId, groupIds);
            return await connection.ExecuteAsync("""
                UPDATE ports SET security_groups = @groups, updated_at = @now, revision_number = revision_number + 1 WHERE id = @portId
                """, new { portId, groups = JsonSerializer.Serialize(groupIds.Distinct(StringComparer.Ordinal).ToList()), now = Timestamps.Now() }, transaction);
        }, cancellationToken);

    /// <summary>
    /// Puts each of the server's ports in exactly its new groups (the ids a change gave each), and the server's row names
    /// the groups as Nova shows them, in one transaction.
    /// </summary>
    internal Task SetServerGroupsAsync(string serverUuid, IReadOnlyDictionary<string, IReadOnlyList<string>> groupsByPort, IReadOnlyList<string> names,
        CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var now = Timestamps.Now();
            foreach (var (portId, groupIds) in groupsByPort)
            {
                await connection.ExecuteAsync("""
                    UPDATE ports SET security_groups = @groups, updated_at = @now, revision_number = revision_number + 1 WHERE id = @portId AND device_id = @serverUuid
                    """, new { portId, serverUuid, groups = JsonSerializer.Serialize(groupIds), now }, transaction);
            }

            return await connection.ExecuteAsync("UPDATE servers SET security_groups = @names WHERE uuid = @serverUuid",
                new { serverUuid, names = JsonSerializer.Serialize(names) }, transaction);
        }, cancellationToken);

    /// <summary>The groups a new port goes in: those named (each checked, inside the port's own transaction), else the project's default.</summary>
    internal static async Task<IReadOnlyList<string>> GroupsForNewPortAsync(SqliteConnection connection, IDbTransaction transaction, string projectId,
        IReadOnlyList<string>? named)
    {
        if (named is null)
        {
            return [await EnsureDefaultAsync(connection, transaction, projectId)];
        }

        await CheckGroupsAsync(connection, transaction, projectId, named);
        return named.Distinct(StringComparer.Ordinal).ToList();
    }

    private static async Task CheckGroupsAsync(SqliteConnection connection, IDbTransaction transaction, string projectId, IReadOnlyList<string> groupIds)
    {
        var found = (await connection.QueryAsync<string>(
            "SELECT id FROM security_groups WHERE project_id = @projectId AND id IN (SELECT value FROM json_each(@ids))",
            new { projectId, ids = SqlParameters.JsonList(groupIds) }, transaction)).ToHashSet(StringComparer.Ordinal);
        if (groupIds.FirstOrDefault(id => !found.Contains(id)) is { } missing)
        {
            throw new SecurityGroupNotFoundException(missing);
        }
    }

    private static SecurityGroupRuleRecord NewRule(string groupId, string projectId, string direction, string ethertype, string now) => new()
    {
        Id = Guid.NewGuid().ToString(),
        SecurityGroupId = groupId,
        ProjectId = projectId,
        Direction = direction,
        Ethertype = ethertype,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static Task InsertGroupAsync(SqliteConnection connection, IDbTransaction transaction, SecurityGroupRecord group) =>
        connection.ExecuteAsync("""
            INSERT INTO security_groups (id, project_id, name, description, is_default, stateful, created_at, updated_at)
            VALUES (@Id, @ProjectId, @Name, @Description, @IsDefault, @Stateful, @CreatedAt, @UpdatedAt)
            """, new
        {
            group.Id,
            group.ProjectId,
            group.Name,
            group.Description,
            IsDefault = group.IsDefault ? 1 : 0,
            Stateful = group.Stateful ? 1 : 0,
            group.CreatedAt,
            group.UpdatedAt,
        }, transaction);

    private static Task InsertRuleAsync(SqliteConnection connection, IDbTransaction transaction, SecurityGroupRuleRecord rule) =>
        connection.ExecuteAsync("""
            INSERT INTO security_group_rules (id, security_group_id, project_id, direction, ethertype, protocol, port_range_min, port_range_max,
                remote_ip_prefix, remote_group_id, description, created_at, updated_at)
            VALUES (@Id, @SecurityGroupId, @ProjectId, @Direction, @Ethertype, @Protocol, @PortRangeMin, @PortRangeMax,
                @RemoteIpPrefix, @RemoteGroupId, @Description, @CreatedAt, @UpdatedAt)
            """, new
        {
            rule.Id,
            rule.SecurityGroupId,
            rule.ProjectId,
            rule.Direction,
            rule.Ethertype,
            rule.Protocol,
            rule.PortRangeMin,
            rule.PortRangeMax,
            rule.RemoteIpPrefix,
            rule.RemoteGroupId,
            rule.Description,
            rule.CreatedAt,
            rule.UpdatedAt,
        }, transaction);
}
