using System.Data;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Servers;

/// <summary>os-instance-actions: what was asked of a server, by whom and which request, with each phase's times and result.</summary>
/// <remarks>Its members are internal to the core: the type is public only for the public services' constructors (see <see cref="Database"/>).</remarks>
public sealed class InstanceActions(Database database)
{
    public const string Success = "Success";
    public const string Error = "Error";

    internal static async Task<long> StartAsync(SqliteConnection connection, IDbTransaction transaction, string serverUuid, string action,
        OperationContext context, CancellationToken cancellationToken)
    {
        var now = Timestamps.Now();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO instance_actions (server_uuid, action, request_id, user_id, project_id, start_time, updated_at)
            VALUES (@serverUuid, @action, @RequestId, @UserId, @ProjectId, @now, @now) RETURNING id
            """, new { serverUuid, action, context.RequestId, context.UserId, context.ProjectId, now }, transaction);
    }

    internal Task<long> StartAsync(string serverUuid, string action, OperationContext context, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => StartAsync(connection, transaction, serverUuid, action, context, cancellationToken), cancellationToken);

    /// <summary>Records one finished phase; result is Success or Error, details say why it failed (no host paths).</summary>
    internal Task RecordEventAsync(long actionId, string eventName, DateTimeOffset started, DateTimeOffset finished, string result,
        string? details = null, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("""
                INSERT INTO instance_action_events (action_id, event, start_time, finish_time, result, details)
                VALUES (@actionId, @eventName, @start, @finish, @result, @details);
                UPDATE instance_actions SET updated_at = @finish WHERE id = @actionId;
                """, new { actionId, eventName, start = Timestamps.Stored(started), finish = Timestamps.Stored(finished), result, details },
                transaction);
            return 0;
        }, cancellationToken);

    /// <summary>Records several finished phases and closes the action inside the caller's transaction: one commit, not one per phase.</summary>
    internal static async Task RecordAndFinishAsync(SqliteConnection connection, IDbTransaction transaction, long actionId,
        IReadOnlyList<InstanceActionEvent> events, string? message, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            await connection.ExecuteAsync(
                "INSERT INTO instance_action_events (action_id, event, start_time, finish_time, result, details) VALUES (@actionId, @Name, @start, @finish, @Result, @Details)",
                new { actionId, e.Name, start = Timestamps.Stored(e.Started), finish = Timestamps.Stored(e.Finished), e.Result, e.Details },
                transaction);
        }

        await connection.ExecuteAsync(
            "UPDATE instance_actions SET finish_time = @now, updated_at = @now, message = @message WHERE id = @actionId",
            new { actionId, now = Timestamps.Now(), message }, transaction);
    }

    /// <summary>Closes the action; a message marks it failed, as Nova's "Error".</summary>
    internal Task FinishAsync(long actionId, string? message = null, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => FinishAsync(connection, transaction, actionId, message, cancellationToken), cancellationToken);

    internal static Task<int> FinishAsync(SqliteConnection connection, IDbTransaction transaction, long actionId, string? message, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(
            "UPDATE instance_actions SET finish_time = @now, updated_at = @now, message = @message WHERE id = @actionId",
            new { actionId, now = Timestamps.Now(), message }, transaction);

    /// <summary>Closes, as failed, every action of the server still open: after a restart nothing will finish them.</summary>
    internal Task FinishInterruptedAsync(string serverUuid, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "UPDATE instance_actions SET finish_time = @now, updated_at = @now, message = @Error WHERE server_uuid = @serverUuid AND finish_time IS NULL",
            new { serverUuid, now = Timestamps.Now(), Error }, transaction), cancellationToken);

    internal async Task<IReadOnlyList<InstanceActionRecord>> ListAsync(string serverUuid, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<InstanceActionRecord>(
            "SELECT * FROM instance_actions WHERE server_uuid = @serverUuid ORDER BY id DESC", new { serverUuid })).ToList();
    }

    internal async Task<(InstanceActionRecord Action, IReadOnlyList<InstanceActionEventRecord> Events)?> FindAsync(string serverUuid, string requestId,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var action = await connection.QueryFirstOrDefaultAsync<InstanceActionRecord>(
            "SELECT * FROM instance_actions WHERE server_uuid = @serverUuid AND request_id = @requestId ORDER BY id DESC",
            new { serverUuid, requestId });
        if (action is null)
        {
            return null;
        }

        var events = (await connection.QueryAsync<InstanceActionEventRecord>(
            "SELECT * FROM instance_action_events WHERE action_id = @Id ORDER BY id", new { action.Id })).ToList();
        return (action, events);
    }
}

/// <summary>One finished phase of an operation, to be recorded with its action.</summary>
public sealed record InstanceActionEvent(string Name, DateTimeOffset Started, DateTimeOffset Finished, string Result, string? Details = null);

/// <summary>Who asked for an operation, and in which request: recorded with the instance action.</summary>
public sealed record OperationContext(string RequestId, string UserId, string ProjectId);

public sealed class InstanceActionRecord
{
    public long Id { get; init; }
    public string ServerUuid { get; init; } = "";
    public string Action { get; init; } = "";
    public string RequestId { get; init; } = "";
    public string UserId { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string StartTime { get; init; } = "";
    public string? FinishTime { get; init; }
    public string? Message { get; init; }
    public string UpdatedAt { get; init; } = "";
}

public sealed class InstanceActionEventRecord
{
    public long Id { get; init; }
    public long ActionId { get; init; }
    public string Event { get; init; } = "";
    public string StartTime { get; init; } = "";
    public string? FinishTime { get; init; }
    public string? Result { get; init; }
    public string? Traceback { get; init; }
    public string? Details { get; init; }
}
