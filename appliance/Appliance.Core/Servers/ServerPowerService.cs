using Appliance.Core.Store;
using Appliance.Hypervisor;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>
/// os-stop, os-start, pause, unpause, suspend, resume and reboot: the lock and state checks and the task_state are set in
/// one write, then the hypervisor works in the server's lane and the server comes to rest in the action's final vm_state.
/// </summary>
public sealed class ServerPowerService(
    Database database,
    ServerService servers,
    ServerRepository repository,
    ServerTaskRunner runner,
    IComputeDriver driver,
    InstanceActions actions,
    ILogger<ServerPowerService> logger)
{
    public async Task RunAsync(ServerCaller caller, OperationContext operation, string uuid, PowerAction action, CancellationToken cancellationToken = default)
    {
        var server = await servers.WritableAsync(caller, uuid, cancellationToken);
        var actionId = await database.WriteAsync(async (connection, transaction) =>
        {
            // Checked again under the write lock, where no other operation can slip in.
            var current = await ServerRepository.FindAsync(connection, transaction, server.Uuid, false, cancellationToken) ?? throw ServerException.NotFound(uuid);
            ServerStateChecks.RequireUnlocked(current, caller);
            ServerStateChecks.RequireState(current, action.FromVmStates, idle: true, action.Name, uuid);
            await ServerRepository.UpdateAsync(connection, transaction, current.Uuid, new Dictionary<string, object?> { ["task_state"] = action.TaskState }, cancellationToken);
            return await InstanceActions.StartAsync(connection, transaction, current.Uuid, action.Name, operation, cancellationToken);
        }, cancellationToken);
        repository.Announce(server.Uuid); // the task state just written, for the status page

        runner.Run(server.Uuid, token => ApplyAsync(server, action, actionId, token));
    }

    private async Task ApplyAsync(ServerRecord server, PowerAction action, long actionId, CancellationToken token)
    {
        var started = DateTimeOffset.UtcNow;
        string? failure = null;
        try
        {
            await action.Apply(driver, server.Id, token);
        }
        catch (Exception e) when (e is HypervisorOperationException or InstanceNotFoundException)
        {
            logger.LogWarning("{Action} of server {Uuid} failed: {Message}", action.Name, server.Uuid, e.Message);
            failure = $"The hypervisor could not {action.Name} the server.";
        }

        var finished = DateTimeOffset.UtcNow;
        // As Nova: a failed power operation leaves the vm_state as it was and only clears the task.
        var columns = new Dictionary<string, object?> { ["task_state"] = null, ["power_state"] = (int)CurrentPower(server.Id) };
        if (failure is null)
        {
            columns["vm_state"] = action.FinalVmState;
        }

        await repository.UpdateAsync(server.Uuid, columns, CancellationToken.None);
        await actions.RecordEventAsync(actionId, action.EventName, started, finished, failure is null ? InstanceActions.Success : InstanceActions.Error,
            failure, CancellationToken.None);
        await actions.FinishAsync(actionId, failure is null ? null : InstanceActions.Error, CancellationToken.None);
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
}
