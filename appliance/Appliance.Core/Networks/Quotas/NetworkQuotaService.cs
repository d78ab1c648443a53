using Appliance.Core.Identity;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Networks;

/// <summary>
/// Neutron's quota API over the quotas table: an admin lists, sets and resets any project's limits; a member reads its
/// own project's (another project's is 403, as Neutron's get_quota rule). Only Neutron's resource names are read or
/// written here, so Nova's quota sets in the same table are left alone.
/// </summary>
public sealed class NetworkQuotaService(Database database)
{
    /// <summary>The projects with any limit an admin set, each with all its limits (Neutron's GET /v2.0/quotas).</summary>
    public async Task<IReadOnlyList<ProjectNetworkQuota>> ListAsync(RequestContext caller, CancellationToken cancellationToken = default)
    {
        RequireAdmin(caller, "get_quota");
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<QuotaRow>(
            "SELECT project_id AS ProjectId, resource AS Resource, hard_limit AS HardLimit FROM quotas WHERE resource IN (SELECT value FROM json_each(@names)) ORDER BY project_id",
            new { names = SqlParameters.JsonList(NetworkQuotaResources.Defaults.Keys) });
        return rows.GroupBy(row => row.ProjectId, StringComparer.Ordinal)
            .Select(group => new ProjectNetworkQuota(group.Key, Overlay(group.Select(row => KeyValuePair.Create(row.Resource, (int)row.HardLimit)))))
            .ToList();
    }

    /// <summary>The project's limits: the defaults overlaid by what an admin set.</summary>
    public async Task<IReadOnlyDictionary<string, int>> ShowAsync(RequestContext caller, string projectId, CancellationToken cancellationToken = default)
    {
        RequireReader(caller, projectId);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await LimitsAsync(connection, projectId);
    }

    /// <summary>Neutron's defaults, the same for every project; a member asks only of its own.</summary>
    public IReadOnlyDictionary<string, int> Defaults(RequestContext caller, string projectId)
    {
        RequireReader(caller, projectId);
        return Overlay([]);
    }

    /// <summary>Each resource's limit, how many the project holds, and reserved (always 0: creates count and insert in one transaction).</summary>
    public async Task<IReadOnlyDictionary<string, NetworkQuotaUse>> DetailsAsync(RequestContext caller, string projectId, CancellationToken cancellationToken = default)
    {
        RequireReader(caller, projectId);
        await using var connection = await database.OpenAsync(cancellationToken);
        var limits = await LimitsAsync(connection, projectId);
        var details = new SortedDictionary<string, NetworkQuotaUse>(StringComparer.Ordinal);
        foreach (var (resource, limit) in limits)
        {
            details[resource] = new NetworkQuotaUse(limit, await NetworkQuotas.UsedAsync(connection, null, projectId, resource), 0);
        }

        return details;
    }

    /// <summary>Sets the given limits (Neutron does not refuse one below use: what is held stays, new creates are refused).</summary>
    public Task<IReadOnlyDictionary<string, int>> UpdateAsync(RequestContext caller, string projectId, IReadOnlyDictionary<string, int> limits,
        CancellationToken cancellationToken = default)
    {
        RequireAdmin(caller, "update_quota");
        foreach (var (resource, limit) in limits)
        {
            if (!NetworkQuotaResources.Defaults.ContainsKey(resource))
            {
                throw new NetworkQuotaInvalidException($"Unrecognized attribute(s) '{resource}'");
            }

            if (limit < -1)
            {
                throw new NetworkQuotaInvalidException($"Invalid input for {resource}. Reason: '{limit}' is too small - must be at least '-1'.");
            }
        }

        return database.WriteAsync(async (connection, transaction) =>
        {
            var now = Servers.Timestamps.Now();
            foreach (var (resource, limit) in limits)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO quotas (project_id, resource, hard_limit, created_at, updated_at) VALUES (@projectId, @resource, @limit, @now, @now)
                    ON CONFLICT (project_id, resource) DO UPDATE SET hard_limit = excluded.hard_limit, updated_at = excluded.updated_at
                    """, new { projectId, resource, limit, now }, transaction);
            }

            return await LimitsAsync(connection, projectId, transaction);
        }, cancellationToken);
    }

    /// <summary>Puts the project's network limits back to the defaults; 404 when it had none set, as Neutron.</summary>
    public async Task ResetAsync(RequestContext caller, string projectId, CancellationToken cancellationToken = default)
    {
        RequireAdmin(caller, "delete_quota");
        var deleted = await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "DELETE FROM quotas WHERE project_id = @projectId AND resource IN (SELECT value FROM json_each(@names))",
            new { projectId, names = SqlParameters.JsonList(NetworkQuotaResources.Defaults.Keys) }, transaction), cancellationToken);
        if (deleted == 0)
        {
            throw new NetworkQuotaNotFoundException(projectId);
        }
    }

    private static async Task<IReadOnlyDictionary<string, int>> LimitsAsync(SqliteConnection connection, string projectId, System.Data.IDbTransaction? transaction = null) =>
        Overlay((await connection.QueryAsync<QuotaRow>(
                "SELECT project_id AS ProjectId, resource AS Resource, hard_limit AS HardLimit FROM quotas WHERE project_id = @projectId", new { projectId }, transaction))
            .Select(row => KeyValuePair.Create(row.Resource, (int)row.HardLimit)));

    /// <summary>Every Neutron resource's default, replaced where a set limit names it; other services' rows are ignored.</summary>
    private static SortedDictionary<string, int> Overlay(IEnumerable<KeyValuePair<string, int>> set)
    {
        var limits = new SortedDictionary<string, int>(NetworkQuotaResources.Defaults.ToDictionary(), StringComparer.Ordinal);
        foreach (var (resource, limit) in set.Where(pair => limits.ContainsKey(pair.Key)))
        {
            limits[resource] = limit;
        }

        return limits;
    }

    private static void RequireAdmin(RequestContext caller, string rule)
    {
        if (!caller.IsAdmin)
        {
            throw new ForbiddenException($"rule:{rule} is disallowed by policy");
        }
    }

    private static void RequireReader(RequestContext caller, string projectId)
    {
        if (!Policy.CanRead(caller, projectId))
        {
            throw new ForbiddenException("rule:get_quota is disallowed by policy");
        }
    }

    /// <summary>Settable, not positional, for Dapper AOT.</summary>
    private sealed class QuotaRow
    {
        public string ProjectId { get; set; } = "";

        public string Resource { get; set; } = "";

        public long HardLimit { get; set; }
    }
}

/// <summary>One project's network limits, as a row of Neutron's quota list.</summary>
public sealed record ProjectNetworkQuota(string ProjectId, IReadOnlyDictionary<string, int> Limits);

/// <summary>A resource's limit and use, as Neutron's quota details show it.</summary>
public sealed record NetworkQuotaUse(int Limit, long Used, long Reserved);

/// <summary>Neutron's 400 for a quota body it cannot take.</summary>
public sealed class NetworkQuotaInvalidException(string message) : InvalidRequestException(message), INeutronTypedRefusal
{
    public string Type => "HTTPBadRequest";
}

/// <summary>Neutron's 404 for resetting a project that has no limits set.</summary>
public sealed class NetworkQuotaNotFoundException(string projectId) : NotFoundException($"Quota for tenant {projectId} could not be found."), INeutronTypedRefusal
{
    public string Type => "TenantQuotaNotFound";
}
