using System.Data;
using System.Globalization;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Quotas;

/// <summary>
/// Per-project quotas: the defaults overlaid by an admin's limits, and live usage counted from the rows
/// themselves (no usage table to drift). The connection-taking overloads run inside a caller's
/// transaction, so a create can check and insert under one write lock.
/// </summary>
public sealed class QuotaService(Database database, TimeProvider clock)
{
    internal sealed record OverrideRow(string Resource, long HardLimit);

    public async Task<QuotaLimits> GetLimitsAsync(string projectId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await GetLimitsAsync(connection, null, projectId, cancellationToken);
    }

    /// <summary>The project's effective limits, read on <paramref name="connection"/> inside <paramref name="transaction"/> when given.</summary>
    internal async Task<QuotaLimits> GetLimitsAsync(SqliteConnection connection, IDbTransaction? transaction, string projectId, CancellationToken cancellationToken = default)
    {
        var rows = await connection.QueryAsync<OverrideRow>(
            "SELECT resource AS Resource, hard_limit AS HardLimit FROM quotas WHERE project_id = @projectId",
            new { projectId }, transaction);
        return QuotaLimits.Defaults.With(rows.Select(row => KeyValuePair.Create(row.Resource, (int)row.HardLimit)));
    }

    public async Task<ServerUsage> CountServerUsageAsync(string projectId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await CountServerUsageAsync(connection, null, projectId, cancellationToken);
    }

    /// <summary>
    /// Instances, vCPUs and RAM of the project's servers that are not deleted; a server being resized counts the larger of
    /// its flavor and the one it goes to, so two resizes cannot pass the quota together.
    /// </summary>
    internal async Task<ServerUsage> CountServerUsageAsync(SqliteConnection connection, IDbTransaction? transaction, string projectId, CancellationToken cancellationToken = default) =>
        await connection.QuerySingleAsync<ServerUsage>("""
            SELECT COUNT(*) AS Instances,
                COALESCE(SUM(MAX(vcpus, COALESCE(json_extract(new_flavor_json, '$.vcpus'), 0))), 0) AS Cores,
                COALESCE(SUM(MAX(memory_mb, COALESCE(json_extract(new_flavor_json, '$.ram'), 0))), 0) AS Ram
            FROM servers WHERE project_id = @projectId AND deleted = 0
            """, new { projectId }, transaction);

    /// <summary>
    /// Sets the given limits in one transaction. Unless <paramref name="force"/>, a limit below what is in use
    /// is refused with Nova's message and nothing is written.
    /// </summary>
    public Task<QuotaLimits> UpdateAsync(string projectId, IReadOnlyList<KeyValuePair<string, int>> limits, bool force, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            if (!force)
            {
                var usage = await CountServerUsageAsync(connection, transaction, projectId, cancellationToken);
                foreach (var (resource, limit) in limits)
                {
                    var used = usage.InUse(resource);
                    if (!QuotaLimits.Allows(limit, used, 0))
                    {
                        throw new InvalidRequestException(
                            $"Quota limit {limit} for {resource} must be greater than or equal to already used and reserved {used}.");
                    }
                }
            }

            var now = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            foreach (var (resource, limit) in limits)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO quotas (project_id, resource, hard_limit, created_at, updated_at)
                    VALUES (@projectId, @resource, @limit, @now, @now)
                    ON CONFLICT (project_id, resource) DO UPDATE SET hard_limit = excluded.hard_limit, updated_at = excluded.updated_at
                    """, new { projectId, resource, limit, now }, transaction);
            }

            return await GetLimitsAsync(connection, transaction, projectId, cancellationToken);
        }, cancellationToken);

    /// <summary>Puts every compute limit of the project back to its default; the network service's limits share the table and stay.</summary>
    public Task DeleteAsync(string projectId, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "DELETE FROM quotas WHERE project_id = @projectId AND resource IN (SELECT value FROM json_each(@names))",
            new { projectId, names = SqlParameters.JsonList(QuotaResources.All) }, transaction), cancellationToken);
}
