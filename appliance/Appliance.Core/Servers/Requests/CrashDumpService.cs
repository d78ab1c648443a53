using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;

namespace Appliance.Core.Servers;

/// <summary>trigger_crash_dump: an NMI to the guest, so a guest set up for it (kdump) writes a crash dump.</summary>
public sealed class CrashDumpService(
    Database database,
    ServerService servers,
    ServerOperations operations,
    IComputeDriver driver)
{
    public const string Action = "trigger_crash_dump";

    private static readonly IReadOnlySet<string> AllowedVmStates = new HashSet<string>(StringComparer.Ordinal)
    {
        VmStates.Active, VmStates.Paused, VmStates.Rescued, VmStates.Resized, VmStates.Error,
    };

    public async Task TriggerAsync(ServerCaller caller, OperationContext operation, string uuid, CancellationToken cancellationToken = default)
    {
        var server = await servers.WritableAsync(caller, uuid, "os_compute_api:servers:trigger_crash_dump", cancellationToken);
        var actionId = await database.WriteAsync(async (connection, transaction) =>
        {
            // Checked again under the write lock, where no other operation can slip in.
            var current = await ServerRepository.FindAsync(connection, transaction, server.Uuid, false, cancellationToken) ?? throw new ServerNotFoundException(uuid);
            ServerStateChecks.RequireUnlocked(current, caller);
            ServerStateChecks.RequireState(current, AllowedVmStates, idle: false, Action, uuid);
            if (current.TaskState is { } task)
            {
                throw new ConflictException($"Cannot '{Action}' instance {uuid} while it is in task_state {task}");
            }

            if (current.PowerState != (int)Appliance.Hypervisor.PowerState.Running && current.PowerState != (int)Appliance.Hypervisor.PowerState.Paused)
            {
                throw new ConflictException($"Instance {uuid} is not running.");
            }

            return await InstanceActions.StartAsync(connection, transaction, current.Uuid, Action, operation, cancellationToken);
        }, cancellationToken);

        operations.Run(new ServerOperation(server, actionId, Action, "compute_trigger_crash_dump")
        {
            // No task_state: the NMI leaves the server's row as it is, only the action records it.
            Work = async run =>
            {
                await driver.InjectNmiAsync(run.Server.Id, run.Token);
                return OperationEnd.Succeeded(null);
            },
            OnFailure = (_, e) => e is HypervisorOperationException or InstanceNotFoundException
                ? OperationEnd.Failed("The hypervisor could not send the interrupt.", null)
                : null,
        });
    }
}
