using System.Data;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Networks;

/// <summary>
/// Neutron's quotas: limits are the defaults overlaid by an admin's rows in the quotas table (under Neutron's resource
/// names), usage is counted from the rows. Creates call <see cref="EnsureAvailableAsync"/> inside their own BEGIN IMMEDIATE
/// transaction, before their insert, so two racing creates can never both take the last unit.
/// </summary>
public sealed class NetworkQuotas
{
    /// <summary>The project's limit for <paramref name="resource"/>, read inside the caller's transaction.</summary>
    internal static async Task<int> LimitAsync(SqliteConnection connection, IDbTransaction? transaction, string projectId, string resource)
    {
        var set = await connection.QueryFirstOrDefaultAsync<long?>(
            "SELECT hard_limit FROM quotas WHERE project_id = @projectId AND resource = @resource", new { projectId, resource }, transaction);
        return set is { } limit ? (int)limit : NetworkQuotaResources.Defaults[resource];
    }

    /// <summary>How many of <paramref name="resource"/> the project holds now.</summary>
    internal static async Task<long> UsedAsync(SqliteConnection connection, IDbTransaction? transaction, string projectId, string resource) =>
        NetworkUsageQueries.ByResource.TryGetValue(resource, out var sql)
            ? await connection.ExecuteScalarAsync<long>(sql, new { projectId }, transaction)
            : 0;

    /// <summary>Refuses (409 OverQuota) when <paramref name="requested"/> more would take the project past its limit.</summary>
    internal static async Task EnsureAvailableAsync(SqliteConnection connection, IDbTransaction transaction, string projectId, string resource, int requested = 1)
    {
        var limit = await LimitAsync(connection, transaction, projectId, resource);
        if (limit >= 0 && await UsedAsync(connection, transaction, projectId, resource) + requested > limit)
        {
            throw new NetworkOverQuotaException(resource);
        }
    }
}

/// <summary>Neutron's 409 for a create past a quota.</summary>
public sealed class NetworkOverQuotaException(string resource)
    : ConflictException($"Quota exceeded for resources: ['{resource}']."), INeutronTypedRefusal
{
    public string Type => "OverQuota";
}
