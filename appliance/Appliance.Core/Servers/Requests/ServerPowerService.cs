using System.Collections.Concurrent;
using Appliance.Core.Store;
using Appliance.Hypervisor;
using Appliance.Hypervisor.Driver;

namespace Appliance.Core.Servers;

/// <summary>
/// os-stop, os-start, pause, unpause, suspend, resume and reboot: the lock and state checks and the task_state are set in
/// one write, then the hypervisor works in the server's lane and the server comes to rest in the action's final vm_state.
/// A hard reboot may take over from a power task still running: a soft reboot waiting for its guest is abandoned, and
/// only the newest task brings the server to rest.
/// </summary>
public sealed class ServerPowerService(
    Database database,
    ServerService servers,
    ServerRepository repository,
    ServerOperations operations,
    IComputeDriver driver)
{
    public const string AbandonedDetails = "Abandoned: a hard reboot took over.";

    /// <summary>The power task that owns each server's task_state; read and replaced only under the database's write lock.</summary>
    private readonly ConcurrentDictionary<string, PowerTask> _owners = new(StringComparer.OrdinalIgnoreCase);

    public async Task RunAsync(ServerCaller caller, OperationContext operation, string uuid, PowerAction action, CancellationToken cancellationToken = default)
    {
        var server = await servers.WritableAsync(caller, uuid, action.PolicyRule, cancellationToken);
        PowerTask? mine = null;
        PowerTask? superseded = null;
        try
        {
            await database.WriteAsync(async (connection, transaction) =>
            {
                // Checked again under the write lock, where no other operation can slip in.
                var current = await ServerRepository.FindAsync(connection, transaction, server.Uuid, false, cancellationToken) ?? throw new ServerNotFoundException(uuid);
                ServerStateChecks.RequireUnlocked(current, caller);
                ServerStateChecks.RequireState(current, action.FromVmStates, action.TakesOverFrom, action.Name, uuid);
                await ServerRepository.UpdateAsync(connection, transaction, current.Uuid, new Dictionary<string, object?> { ["task_state"] = action.TaskState }, cancellationToken);
                var actionId = await InstanceActions.StartAsync(connection, transaction, current.Uuid, action.Name, operation, cancellationToken);
                mine = new PowerTask(actionId, action);
                superseded = current.TaskState is null ? null : _owners.GetValueOrDefault(current.Uuid);
                _owners[current.Uuid] = mine;
                return actionId;
            }, cancellationToken);
        }
        catch when (mine is not null)
        {
            // The commit failed after the task was registered: the one it would have superseded still owns the server.
            RestoreOwner(server.Uuid, mine, superseded);
            throw;
        }

        repository.Announce(server.Uuid); // the task state just written, for the status page
        if (superseded is { Action.TaskState: TaskStates.Rebooting })
        {
            // A soft reboot may be waiting up to SoftRebootTimeout for the guest; it gives up and frees the lane.
            await superseded.Abandon.CancelAsync();
        }

        var task = mine!;
        operations.Run(new ServerOperation(server, task.ActionId, action.Name, action.EventName)
        {
            Work = run => ApplyAsync(run, task),
            OnFailure = (run, e) => Failed(run, task, e),
            // A task that was taken over leaves the server's state to its successor and only records how it ended.
            HoldsServer = () => _owners.TryRemove(KeyValuePair.Create(server.Uuid, task)),
        });
    }

    private void RestoreOwner(string uuid, PowerTask mine, PowerTask? previous)
    {
        if (previous is null)
        {
            _owners.TryRemove(KeyValuePair.Create(uuid, mine));
        }
        else
        {
            _owners.TryUpdate(uuid, previous, mine);
        }
    }

    private async Task<OperationEnd> ApplyAsync(OperationRun run, PowerTask task)
    {
        // Superseded while it queued: not even the ACPI request goes out.
        task.Abandon.Token.ThrowIfCancellationRequested();
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(run.Token, task.Abandon.Token))
        {
            await task.Action.Apply(driver, run.Server.Id, linked.Token);
        }

        return OperationEnd.Succeeded(new Dictionary<string, object?>
        {
            ["power_state"] = (int)CurrentPower(run.Server.Id),
            ["vm_state"] = task.Action.FinalVmState,
        });
    }

    /// <summary>As Nova: a failed power operation leaves the vm_state as it was and only ends the task.</summary>
    private OperationEnd? Failed(OperationRun run, PowerTask task, Exception error)
    {
        var failure = error switch
        {
            OperationCanceledException when task.Abandon.IsCancellationRequested => AbandonedDetails,
            HypervisorOperationException or InstanceNotFoundException => $"The hypervisor could not {task.Action.Name} the server.",
            _ => null,
        };
        return failure is null ? null : OperationEnd.Failed(failure, new Dictionary<string, object?> { ["power_state"] = (int)CurrentPower(run.Server.Id) });
    }

    private PowerState CurrentPower(Guid id)
    {
        try
        {
            return driver.GetPowerState(id);
        }
        catch (InstanceNotFoundException)
        {
            return PowerState.NoState;
        }
        catch (HypervisorOperationException)
        {
            return PowerState.NoState;
        }
    }

    /// <summary>One accepted power action: its instance action, and the signal that a hard reboot has taken over from it.</summary>
    private sealed class PowerTask(long actionId, PowerAction action)
    {
        public long ActionId { get; } = actionId;

        public PowerAction Action { get; } = action;

        public CancellationTokenSource Abandon { get; } = new();
    }
}
