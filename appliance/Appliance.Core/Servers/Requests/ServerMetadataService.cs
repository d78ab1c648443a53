using System.Data;
using Appliance.Core.Quotas;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Servers;

/// <summary>
/// /servers/{id}/metadata: reads, and changes that check lock, state and the metadata_items limit and rewrite the
/// items in one IMMEDIATE transaction, bumping the server's updated_at so changes-since sees them.
/// </summary>
public sealed class ServerMetadataService(Database database, ServerService servers, QuotaService quotas)
{
    public const string NotFoundMessage = "Metadata item was not found";

    public async Task<IReadOnlyDictionary<string, string>> ListAsync(ServerCaller caller, string uuid, CancellationToken cancellationToken = default)
    {
        var server = await servers.GetAsync(caller, uuid, cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ItemsAsync(connection, null, server.Uuid, cancellationToken);
    }

    public async Task<string> GetAsync(ServerCaller caller, string uuid, string key, CancellationToken cancellationToken = default) =>
        (await ListAsync(caller, uuid, cancellationToken)).TryGetValue(key, out var value) ? value : throw new NotFoundException(NotFoundMessage);

    /// <summary>POST: adds and overwrites the items given, keeps the rest; returns all items.</summary>
    public Task<IReadOnlyDictionary<string, string>> MergeAsync(ServerCaller caller, string uuid, IReadOnlyDictionary<string, string> items,
        CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, uuid, "create", "update metadata", current =>
        {
            var merged = new Dictionary<string, string>(current, StringComparer.Ordinal);
            foreach (var (key, value) in items)
            {
                merged[key] = value;
            }

            return merged;
        }, cancellationToken);

    /// <summary>PUT: the items given become all the server's items.</summary>
    public Task<IReadOnlyDictionary<string, string>> ReplaceAsync(ServerCaller caller, string uuid, IReadOnlyDictionary<string, string> items,
        CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, uuid, "update_all", "update metadata", _ => new Dictionary<string, string>(items, StringComparer.Ordinal), cancellationToken);

    /// <summary>PUT /{key}: the body must hold exactly that key (checked after the caller may change the server, as in Nova).</summary>
    public async Task SetAsync(ServerCaller caller, string uuid, string key, IReadOnlyDictionary<string, string> meta, CancellationToken cancellationToken = default)
    {
        var server = await servers.GetAsync(caller, uuid, cancellationToken);
        caller.RequireWrite(server, Rule("update"));
        if (meta.Count != 1 || !meta.TryGetValue(key, out var value))
        {
            throw new InvalidRequestException("Request body and URI mismatch");
        }

        await ChangeAsync(caller, uuid, "update", "update metadata",
            current => new Dictionary<string, string>(current, StringComparer.Ordinal) { [key] = value }, cancellationToken);
    }

    /// <summary>DELETE /{key}: a missing key is not found before lock and state are looked at, as in Nova.</summary>
    public async Task DeleteAsync(ServerCaller caller, string uuid, string key, CancellationToken cancellationToken = default)
    {
        var server = await servers.GetAsync(caller, uuid, cancellationToken);
        caller.RequireWrite(server, Rule("delete"));
        if (!(await ListAsync(caller, uuid, cancellationToken)).ContainsKey(key))
        {
            throw new NotFoundException(NotFoundMessage);
        }

        await ChangeAsync(caller, uuid, "delete", "delete metadata", current => current.ContainsKey(key)
            ? current.Where(pair => pair.Key != key).ToDictionary(StringComparer.Ordinal)
            : throw new NotFoundException(NotFoundMessage), cancellationToken);
    }

    private static string Rule(string verb) => $"os_compute_api:server-metadata:{verb}";

    private async Task<IReadOnlyDictionary<string, string>> ChangeAsync(ServerCaller caller, string uuid, string verb, string action,
        Func<IReadOnlyDictionary<string, string>, Dictionary<string, string>> change, CancellationToken cancellationToken)
    {
        var server = await servers.GetAsync(caller, uuid, cancellationToken);
        caller.RequireWrite(server, Rule(verb));
        return await database.WriteAsync(async (connection, transaction) =>
        {
            // Read again under the write lock: a lock, a state change or another writer may have come in between.
            var current = await ServerRepository.FindAsync(connection, transaction, server.Uuid, false, cancellationToken) ?? throw new ServerNotFoundException(uuid);
            ServerStateChecks.RequireUnlocked(current, caller);
            ServerStateChecks.RequireState(current, ServerStateChecks.Resting, idle: true, action, uuid);
            var items = change(await ItemsAsync(connection, transaction, current.Uuid, cancellationToken));
            var limit = (await quotas.GetLimitsAsync(connection, transaction, current.ProjectId, cancellationToken)).MetadataItems;
            if (!QuotaLimits.Allows(limit, 0, items.Count))
            {
                throw new OverQuotaException($"Maximum number of metadata items exceeds {limit}");
            }

            await connection.ExecuteAsync("DELETE FROM server_metadata WHERE server_uuid = @Uuid", new { current.Uuid }, transaction);
            foreach (var (key, value) in items)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO server_metadata (server_uuid, key, value) VALUES (@Uuid, @key, @value)", new { current.Uuid, key, value }, transaction);
            }

            await ServerRepository.UpdateAsync(connection, transaction, current.Uuid, new Dictionary<string, object?>(), cancellationToken);
            return (IReadOnlyDictionary<string, string>)new SortedDictionary<string, string>(items, StringComparer.Ordinal);
        }, cancellationToken);
    }

    private static async Task<IReadOnlyDictionary<string, string>> ItemsAsync(SqliteConnection connection, IDbTransaction? transaction, string uuid,
        CancellationToken cancellationToken) =>
        (await ServerRepository.MetadataAsync(connection, transaction, [uuid], cancellationToken)).GetValueOrDefault(uuid)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);
}
