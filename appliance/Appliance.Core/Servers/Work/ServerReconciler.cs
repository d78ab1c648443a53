using Appliance.Core.Configuration;
using Appliance.Hypervisor;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>
/// At start, makes database, guests and instance dirs agree again after a crash or a host reboot, and
/// logs every fix: interrupted builds -> ERROR, interrupted deletes finished, guests and dirs left by
/// deleted servers reaped, operations cut short cleared, and guests that ran before the host went down
/// started again (when configured).
/// </summary>
public sealed class ServerReconciler(
    ServerRepository servers,
    IComputeDriver driver,
    ServerDeleter deleter,
    ServerFaults faults,
    InstanceActions actions,
    HypervisorPaths paths,
    ApplianceOptions options,
    ILogger<ServerReconciler> logger)
{
    /// <summary>A rebuild's task states: cut short, the old root is gone and the new one unfinished, so the server goes to ERROR (as Nova).</summary>
    private static readonly IReadOnlySet<string> RebuildingTaskStates = new HashSet<string>(StringComparer.Ordinal)
    {
        TaskStates.Rebuilding, TaskStates.RebuildBlockDeviceMapping, TaskStates.RebuildSpawning,
    };

    public async Task ReconcileAsync(CancellationToken cancellationToken = default)
    {
        Dictionary<Guid, GuestStatus> guests;
        try
        {
            guests = driver.ListGuests().ToDictionary(g => g.Uuid);
        }
        catch (HypervisorOperationException e)
        {
            // Serving the API (and /healthz saying it is unhealthy) beats refusing to start; the power sync settles states once libvirt is back.
            logger.LogError("Reconcile skipped: the hypervisor does not answer ({Message})", e.Message);
            return;
        }

        foreach (var server in await servers.LiveAsync(cancellationToken))
        {
            var id = server.Id;
            if (server.TaskState is not null && server.TaskState != TaskStates.Deleting || server.VmState == VmStates.Building)
            {
                // The operation will never report back: its instance action is closed as failed.
                await actions.FinishInterruptedAsync(server.Uuid, cancellationToken);
            }

            if (server.TaskState == TaskStates.Deleting)
            {
                logger.LogWarning("Reconcile: finishing the interrupted delete of server {Uuid}", server.Uuid);
                await deleter.DeleteAsync(server.Uuid, null, cancellationToken);
            }
            else if (server.VmState == VmStates.Building)
            {
                logger.LogWarning("Reconcile: server {Uuid} was being built when the appliance stopped; it goes to ERROR", server.Uuid);
                await driver.DestroyAsync(id, cancellationToken);
                await faults.SetErrorAsync(server.Uuid, new ServerFault(500,
                    $"Build of instance {server.Uuid} was interrupted by a restart of the appliance.", null, Timestamps.Now()));
            }
            else if (server.TaskState is { } task && RebuildingTaskStates.Contains(task))
            {
                // Its disks are left as they are (a preserved ephemeral disk is the user's); a new rebuild or a delete takes it from here.
                logger.LogWarning("Reconcile: server {Uuid} was being rebuilt when the appliance stopped; it goes to ERROR", server.Uuid);
                await faults.SetErrorAsync(server.Uuid, new ServerFault(500,
                    $"Rebuild of instance {server.Uuid} was interrupted by a restart of the appliance.", null, Timestamps.Now()));
            }
            else
            {
                var finished = await FinishResizeAsync(server, cancellationToken);
                if (finished is not null)
                {
                    guests = driver.ListGuests().ToDictionary(g => g.Uuid); // the guest may have been redefined or started
                }

                guests.TryGetValue(id, out var guest);
                await SettleAsync(finished ?? server, guest, cancellationToken);
            }
        }

        await ReapOrphansAsync(guests, cancellationToken);
    }

    /// <summary>
    /// A resize, confirm or revert cut short is carried to a state at rest, as Nova's start-up does for a crashed migration:
    /// a resize is rolled back (the kept disks put back), a confirm or a revert is finished. Returns the server as it now
    /// is, or null when no resize was in flight.
    /// </summary>
    private async Task<ServerRecord?> FinishResizeAsync(ServerRecord server, CancellationToken cancellationToken)
    {
        Dictionary<string, object?> columns;
        var powerOn = server.OldVmState != VmStates.Stopped;
        switch (server.TaskState)
        {
            case { } task when ServerResizeService.ResizingTaskStates.Contains(task):
                logger.LogWarning("Reconcile: server {Uuid} was being resized when the appliance stopped; the resize is rolled back", server.Uuid);
                await driver.RevertResizeAsync(server.Id, powerOn, cancellationToken);
                columns = ServerResizeService.ClosedResize();
                columns["vm_state"] = server.OldVmState ?? VmStates.Active;
                break;
            case TaskStates.ResizeReverting:
                logger.LogWarning("Reconcile: server {Uuid} was reverting a resize when the appliance stopped; the revert is finished", server.Uuid);
                await driver.RevertResizeAsync(server.Id, powerOn, cancellationToken);
                columns = ServerResizeService.RevertedColumns(driver, server);
                break;
            case TaskStates.ResizeConfirming:
                logger.LogWarning("Reconcile: server {Uuid} was confirming a resize when the appliance stopped; the confirm is finished", server.Uuid);
                await driver.ConfirmResizeAsync(server.Id, cancellationToken);
                columns = ServerResizeService.ConfirmedColumns(driver, server.Id);
                break;
            default:
                return null;
        }

        columns["task_state"] = null;
        await servers.UpdateAsync(server.Uuid, columns, cancellationToken);
        return await servers.FindAsync(server.Uuid, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// A server at rest (or cut short mid-operation): clear the task, and when the guest shows the operation happened, rest the
    /// server where the operation would have; then match power state and, after a host reboot, restart.
    /// </summary>
    private async Task SettleAsync(ServerRecord server, GuestStatus? guest, CancellationToken cancellationToken)
    {
        var changes = new Dictionary<string, object?>();
        var power = guest?.PowerState ?? PowerState.NoState;
        var vmState = server.VmState;
        if (server.TaskState is { } task)
        {
            changes["task_state"] = null;
            if (guest is not null && OutcomeOf(task, power) is { } outcome && outcome != vmState)
            {
                logger.LogWarning("Reconcile: server {Uuid} was in task {Task} when the appliance stopped and its guest is {Power}; task cleared, it rests {VmState}",
                    server.Uuid, task, power, outcome);
                changes["vm_state"] = vmState = outcome;
            }
            else
            {
                logger.LogWarning("Reconcile: server {Uuid} was in task {Task} when the appliance stopped; task cleared", server.Uuid, task);
            }
        }

        // A server in VERIFY_RESIZE whose guest ran is started again too (Nova resumes by the recorded power state).
        var ran = vmState == VmStates.Active || (vmState == VmStates.Resized && server.PowerState == (int)PowerState.Running);
        if (ran && guest is not null && power is PowerState.Shutdown or PowerState.Crashed && options.Servers.ResumeGuestsOnHostBoot)
        {
            try
            {
                await driver.PowerOnAsync(server.Id, cancellationToken);
                power = PowerState.Running;
                logger.LogWarning("Reconcile: server {Uuid} was running before the host went down; started again", server.Uuid);
            }
            catch (Exception e)
            {
                logger.LogWarning("Reconcile: server {Uuid} could not be started again: {Message}", server.Uuid, e.Message);
            }
        }

        if ((int)power != server.PowerState)
        {
            changes["power_state"] = (int)power;
        }

        if (vmState == VmStates.Active && power is PowerState.Shutdown or PowerState.Crashed or PowerState.NoState)
        {
            changes["vm_state"] = VmStates.Stopped;
            logger.LogWarning("Reconcile: server {Uuid} has no running guest; it shows SHUTOFF", server.Uuid);
        }

        if (changes.Count > 0)
        {
            await servers.UpdateAsync(server.Uuid, changes, cancellationToken);
        }
    }

    /// <summary>
    /// Where an operation cut short by a crash would have left the server, when its guest shows the hypervisor did the work
    /// (a stopped guest after powering-off, a paused one after pausing, ...); null when the guest says nothing certain, so
    /// the server stays where it was. A stop the user was told was accepted is never undone by the host-boot restart.
    /// </summary>
    private static string? OutcomeOf(string task, PowerState power) => (task, power) switch
    {
        (TaskStates.PoweringOff, PowerState.Shutdown or PowerState.Crashed) => VmStates.Stopped,
        (TaskStates.PoweringOn, PowerState.Running) => VmStates.Active,
        (TaskStates.Pausing, PowerState.Paused) => VmStates.Paused,
        (TaskStates.Unpausing, PowerState.Running) => VmStates.Active,
        (TaskStates.Suspending, PowerState.Shutdown) => VmStates.Suspended,
        (TaskStates.Resuming, PowerState.Running) => VmStates.Active,
        (TaskStates.Rebooting or TaskStates.RebootingHard, PowerState.Running) => VmStates.Active,
        _ => null,
    };

    /// <summary>Guests and instance dirs of deleted servers, or of servers this data dir never recorded, are removed.</summary>
    private async Task ReapOrphansAsync(Dictionary<Guid, GuestStatus> guests, CancellationToken cancellationToken)
    {
        var live = await servers.AllUuidsAsync(deleted: false, cancellationToken);
        var deleted = await servers.AllUuidsAsync(deleted: true, cancellationToken);
        // Instance dirs, and the copies a resize keeps beside them (named for the same server).
        var dirs = Directory.Exists(paths.Instances)
            ? Directory.GetDirectories(paths.Instances).Select(Path.GetFileName).OfType<string>()
                .Select(name => name.Split('_', 2)[0]).Where(name => Guid.TryParse(name, out _)).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
            : [];

        // Only what is provably ours is touched: a deleted row, or an instance dir in this data dir. Other guests on the host are left alone.
        var orphans = dirs.Where(name => !live.Contains(name))
            .Concat(guests.Keys.Select(id => id.ToString()).Where(deleted.Contains))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var orphan in orphans)
        {
            logger.LogWarning("Reconcile: removing guest and files of {Uuid}, which belong to no live server", orphan);
            await driver.DestroyAsync(Guid.Parse(orphan), cancellationToken);
        }
    }
}
