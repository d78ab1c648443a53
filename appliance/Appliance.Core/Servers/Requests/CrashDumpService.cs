using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>trigger_crash_dump: an NMI to the guest, so a guest set up for it (kdump) writes a crash dump.</summary>
public sealed class CrashDumpService(
    Database database,
    ServerService servers,
    ServerTaskRunner runner,
    IComputeDriver driver,
    InstanceActions actions,
    ILogger<CrashDumpService> logger)
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

        runner.Run(server.Uuid, async token =>
        {
            var started = DateTimeOffset.UtcNow;
            try
            {
                await driver.InjectNmiAsync(server.Id, token);
                await actions.RecordEventAsync(actionId, "compute_trigger_crash_dump", started, DateTimeOffset.UtcNow, InstanceActions.Success, cancellationToken: CancellationToken.None);
                await actions.FinishAsync(actionId, cancellationToken: CancellationToken.None);
            }
            catch (Exception e) when (e is HypervisorOperationException or InstanceNotFoundException)
            {
                logger.LogWarning("trigger_crash_dump on server {Uuid} failed: {Message}", server.Uuid, e.Message);
                await actions.RecordEventAsync(actionId, "compute_trigger_crash_dump", started, DateTimeOffset.UtcNow, InstanceActions.Error,
                    "The hypervisor could not send the interrupt.", CancellationToken.None);
                await actions.FinishAsync(actionId, InstanceActions.Error, CancellationToken.None);
            }
        });
    }
}
