using System.Data;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Servers;

/// <summary>
/// /servers/{id}/tags (2.26+): reads for anyone who may see the server; changes only while it rests in a vm_state
/// Nova allows (tags are not locked by a server lock, as in Nova), each in one IMMEDIATE transaction.
/// </summary>
public sealed class ServerTagService(Database database, ServerService servers)
{
    public async Task<IReadOnlyList<string>> ListAsync(ServerCaller caller, string uuid, CancellationToken cancellationToken = default)
    {
        var server = await servers.GetAsync(caller, uuid, cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await TagsAsync(connection, null, server.Uuid, cancellationToken);
    }

    public async Task<bool> HasAsync(ServerCaller caller, string uuid, string tag, CancellationToken cancellationToken = default) =>
        (await ListAsync(caller, uuid, cancellationToken)).Contains(tag, StringComparer.Ordinal);

    /// <summary>Adds one tag; true when it is new, false when the server had it already.</summary>
    public Task<bool> AddAsync(ServerCaller caller, string uuid, string tag, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, uuid, "update", "update tag", async (connection, transaction, server) =>
        {
            if (ServerTagRules.Problem(tag) is { } problem)
            {
                throw new InvalidRequestException($"Tag '{tag}' is invalid. It must be a non empty string without characters '/' and ','. " +
                    $"Validation error message: {problem}");
            }

            var tags = await TagsAsync(connection, transaction, server.Uuid, cancellationToken);
            // Nova counts before it looks for the tag: a full server refuses even a tag it has.
            if (tags.Count >= ServerTagRules.MaxPerServer)
            {
                throw new InvalidRequestException($"The number of tags exceeded the per-server limit {ServerTagRules.MaxPerServer}");
            }

            if (tags.Contains(tag, StringComparer.Ordinal))
            {
                return false;
            }

            await connection.ExecuteAsync("INSERT INTO server_tags (server_uuid, tag) VALUES (@Uuid, @tag)",
                new { server.Uuid, tag }, transaction);
            return true;
        }, cancellationToken);

    /// <summary>The tags given (already checked, duplicates folded) become all the server's tags.</summary>
    public Task<IReadOnlyList<string>> ReplaceAsync(ServerCaller caller, string uuid, IReadOnlyList<string> tags, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, uuid, "update_all", "update tags", async (connection, transaction, server) =>
        {
            await DeleteAllRowsAsync(connection, transaction, server.Uuid, cancellationToken);
            foreach (var tag in tags.Distinct(StringComparer.Ordinal))
            {
                await connection.ExecuteAsync("INSERT INTO server_tags (server_uuid, tag) VALUES (@Uuid, @tag)",
                    new { server.Uuid, tag }, transaction);
            }

            return await TagsAsync(connection, transaction, server.Uuid, cancellationToken);
        }, cancellationToken);

    public Task DeleteAsync(ServerCaller caller, string uuid, string tag, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, uuid, "delete", "delete tag", async (connection, transaction, server) =>
        {
            var deleted = await connection.ExecuteAsync("DELETE FROM server_tags WHERE server_uuid = @Uuid AND tag = @tag",
                new { server.Uuid, tag }, transaction);
            return deleted > 0 ? deleted : throw new NotFoundException($"Instance {server.Uuid} has no tag '{tag}'");
        }, cancellationToken);

    public Task DeleteAllAsync(ServerCaller caller, string uuid, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, uuid, "delete_all", "delete tags",
            (connection, transaction, server) => DeleteAllRowsAsync(connection, transaction, server.Uuid, cancellationToken), cancellationToken);

    private async Task<T> ChangeAsync<T>(ServerCaller caller, string uuid, string verb, string action,
        Func<SqliteConnection, IDbTransaction, ServerRecord, Task<T>> change, CancellationToken cancellationToken)
    {
        var server = await servers.GetAsync(caller, uuid, cancellationToken);
        caller.RequireWrite(server, $"os_compute_api:os-server-tags:{verb}");
        return await database.WriteAsync(async (connection, transaction) =>
        {
            // Read again under the write lock, so the state checked is the state written under.
            var current = await ServerRepository.FindAsync(connection, transaction, server.Uuid, false, cancellationToken) ?? throw new ServerNotFoundException(uuid);
            ServerStateChecks.RequireState(current, ServerStateChecks.Resting, idle: false, action, uuid);
            return await change(connection, transaction, current);
        }, cancellationToken);
    }

    private static Task<int> DeleteAllRowsAsync(SqliteConnection connection, IDbTransaction transaction, string uuid, CancellationToken cancellationToken) =>
        connection.ExecuteAsync("DELETE FROM server_tags WHERE server_uuid = @uuid", new { uuid }, transaction);

    private static async Task<IReadOnlyList<string>> TagsAsync(SqliteConnection connection, IDbTransaction? transaction, string uuid,
        CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>("SELECT tag FROM server_tags WHERE server_uuid = @uuid ORDER BY tag",
            new { uuid }, transaction)).ToList();
}
