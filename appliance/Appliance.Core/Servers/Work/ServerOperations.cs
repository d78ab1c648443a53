using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>
/// The one way a background operation on a server runs and ends: it waits its turn in the server's lane, does its work,
/// and is closed in one commit (the server at rest with its task cleared, unless a delete was accepted meanwhile; the
/// instance action with its phases, its event and its result), then announced. A failure ends it as the operation's own
/// policy says, ERROR with a fault being one such end; a shutdown leaves it to the reconciler at the next start.
/// </summary>
public sealed class ServerOperations(Database database, ServerRepository servers, ServerTaskRunner runner, ILogger<ServerOperations> logger)
{
    public void Run(ServerOperation operation) => runner.Run(operation.Server.Uuid, token => ExecuteAsync(operation, token));

    /// <summary>A build: it waits for a build slot first, then for the server's lane.</summary>
    public void RunBuild(ServerOperation operation) => runner.RunBuild(operation.Server.Uuid, token => ExecuteAsync(operation, token));

    /// <summary>Queues the operation and completes with its end once it is closed (null: it never started), for answers that wait.</summary>
    public Task<OperationEnd?> RunAndWaitAsync(ServerOperation operation)
    {
        var done = new TaskCompletionSource<OperationEnd?>(TaskCreationOptions.RunContinuationsAsynchronously);
        runner.Run(operation.Server.Uuid, async token =>
        {
            try
            {
                done.TrySetResult(await ExecuteAsync(operation, token));
            }
            catch (Exception e)
            {
                done.TrySetException(e);
                throw;
            }
        });
        return done.Task;
    }

    private async Task<OperationEnd?> ExecuteAsync(ServerOperation operation, CancellationToken token)
    {
        var started = DateTimeOffset.UtcNow;
        var server = operation.Server;
        if (operation.StartsWhen is { } startsWhen)
        {
            var current = await servers.FindAsync(server.Uuid, cancellationToken: token);
            if (current is null || !startsWhen(current))
            {
                return null; // a delete claimed the server before this operation's turn came
            }

            server = current;
        }

        var run = new OperationRun(this, server, started, token);
        OperationEnd end;
        Exception? error = null;
        try
        {
            end = await operation.Work(run);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw; // shutting down: the reconciler finishes or fails this operation at the next start
        }
        catch (Exception e)
        {
            if (operation.OnFailure(run, e) is not { } failed)
            {
                throw; // not a failure this operation knows how to end with
            }

            (end, error) = (failed, e);
        }

        await CloseAsync(operation, run, end);
        Log(operation, run, end, error);
        return end;
    }

    /// <summary>The server at rest, its task cleared unless a delete has claimed it, and the action's phases and result: one commit.</summary>
    private async Task CloseAsync(ServerOperation operation, OperationRun run, OperationEnd end)
    {
        var result = end.Failure is null ? InstanceActions.Success : InstanceActions.Error;
        var events = Phases(run.Started, end.Phases, end.PhasePrefix)
            .Append(new InstanceActionEvent(operation.EventName, run.Started, DateTimeOffset.UtcNow, result, end.Failure))
            .ToList();
        var rested = await database.WriteAsync(async (connection, transaction) =>
        {
            // Asked under the write lock, where no other operation can take the server over meanwhile.
            var holdsServer = operation.HoldsServer?.Invoke() ?? true;
            var rests = holdsServer && end.Rest is { } columns &&
                await ServerRepository.FinishTaskAsync(connection, transaction, run.Uuid, columns, CancellationToken.None);
            await InstanceActions.RecordAndFinishAsync(connection, transaction, operation.ActionId, events,
                end.Failure is null ? null : InstanceActions.Error, CancellationToken.None);
            return rests;
        }, CancellationToken.None);
        if (rested)
        {
            servers.Announce(run.Uuid);
        }
    }

    private void Log(ServerOperation operation, OperationRun run, OperationEnd end, Exception? error)
    {
        var milliseconds = (int)(DateTimeOffset.UtcNow - run.Started).TotalMilliseconds;
        if (end.Failure is null)
        {
            logger.LogInformation("{Operation} of server {Uuid} done in {Milliseconds} ms", operation.Name, run.Uuid, milliseconds);
        }
        else
        {
            logger.LogWarning("{Operation} of server {Uuid} failed after {Milliseconds} ms: {Failure} {Error}", operation.Name, run.Uuid, milliseconds,
                end.Failure, error?.Message);
        }
    }

    /// <summary>A phase of the operation: the task moves on, unless a delete has claimed the server meanwhile.</summary>
    internal async Task SetTaskAsync(string uuid, string taskState, CancellationToken token)
    {
        var moved = await database.WriteAsync(async (connection, transaction) =>
            await ServerRepository.FindAsync(connection, transaction, uuid, false, token) is { TaskState: not TaskStates.Deleting } &&
            await ServerRepository.UpdateAsync(connection, transaction, uuid, new Dictionary<string, object?> { ["task_state"] = taskState }, token), token);
        if (moved)
        {
            servers.Announce(uuid);
        }
    }

    /// <summary>The driver reports durations; laid end to end from the start they give each phase a start and finish.</summary>
    private static IEnumerable<InstanceActionEvent> Phases(DateTimeOffset started, IEnumerable<SpawnPhase> phases, string prefix)
    {
        var at = started;
        foreach (var phase in phases)
        {
            yield return new InstanceActionEvent($"{prefix}: {phase.Name}", at, at + phase.Duration, InstanceActions.Success);
            at += phase.Duration;
        }
    }
}

/// <summary>What a service hands the template: the server, its instance action, and what differs (work, start check, failure policy).</summary>
/// <param name="Server">The server as the request left it; re-read at the operation's turn when StartsWhen is set.</param>
/// <param name="Name">The instance action's name (create, rebuild, reboot, ...), for the log.</param>
/// <param name="EventName">The instance action event that records the whole operation (compute_rebuild_instance, ...).</param>
public sealed record ServerOperation(ServerRecord Server, long ActionId, string Name, string EventName)
{
    /// <summary>The work, in the server's lane; it returns how the server comes to rest.</summary>
    public required Func<OperationRun, Task<OperationEnd>> Work { get; init; }

    /// <summary>Checked on the row read when the turn comes; false: it is claimed (deleted, or being deleted) and nothing runs.</summary>
    public Func<ServerRecord, bool>? StartsWhen { get; init; }

    /// <summary>The failure policy: how an exception from the work ends the operation; null lets it escape to the runner's log.</summary>
    public Func<OperationRun, Exception, OperationEnd?> OnFailure { get; init; } = (_, _) => null;

    /// <summary>Asked under the write lock at the end; false: another task (a hard reboot) owns the server now, only the action is closed.</summary>
    public Func<bool>? HoldsServer { get; init; }
}

/// <summary>An operation at work: its server as its turn found it, when it started, the shutdown token, its task's phases.</summary>
public sealed class OperationRun
{
    private readonly ServerOperations _operations;

    internal OperationRun(ServerOperations operations, ServerRecord server, DateTimeOffset started, CancellationToken token)
    {
        _operations = operations;
        Server = server;
        Started = started;
        Token = token;
    }

    public ServerRecord Server { get; }

    public string Uuid => Server.Uuid;

    public DateTimeOffset Started { get; }

    /// <summary>Cancelled when the appliance shuts down.</summary>
    public CancellationToken Token { get; }

    /// <summary>Shows the next phase in task_state (block_device_mapping, spawning, ...), unless a delete has claimed the server.</summary>
    public Task SetTaskAsync(string taskState) => _operations.SetTaskAsync(Uuid, taskState, Token);
}

/// <summary>How an operation ended: the server's columns at rest and, when it failed, what its action records.</summary>
/// <param name="Rest">The columns written as its task is cleared; null: the operation held no task and leaves the row as it is.</param>
/// <param name="Failure">Null when it succeeded; else the event's details, and the action is marked Error.</param>
public sealed record OperationEnd(IReadOnlyDictionary<string, object?>? Rest, string? Failure)
{
    /// <summary>Only the task ends: vm_state and the rest stay as they were.</summary>
    public static readonly IReadOnlyDictionary<string, object?> TaskOnly = new Dictionary<string, object?>();

    /// <summary>The driver's phases, recorded as events laid end to end from the operation's start.</summary>
    public IReadOnlyList<SpawnPhase> Phases { get; init; } = [];

    public string PhasePrefix { get; init; } = "spawn";

    public static OperationEnd Succeeded(IReadOnlyDictionary<string, object?>? rest) => new(rest, null);

    public static OperationEnd Failed(string failure, IReadOnlyDictionary<string, object?>? rest) => new(rest, failure);

    /// <summary>ERROR with the fault, plus what else the failure resets; the action records the fault's message.</summary>
    public static OperationEnd Faulted(ServerFault fault, IReadOnlyDictionary<string, object?>? resets = null)
    {
        var columns = new Dictionary<string, object?>(resets ?? TaskOnly)
        {
            ["vm_state"] = VmStates.Error,
            ["fault_json"] = fault.ToJson(),
        };
        return new OperationEnd(columns, fault.Message);
    }
}
