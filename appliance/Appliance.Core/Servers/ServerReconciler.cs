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
    DataPaths dataPaths,
    ApplianceOptions options,
    ILogger<ServerReconciler> logger)
{
    public async Task ReconcileAsync(CancellationToken cancellationToken = default)
    {
        var paths = new HypervisorPaths(dataPaths.Root);
        Dictionary<Guid, GuestStatus> guests;
        try
        {
            guests = driver.ListGuests().ToDictionary(g => g.Uuid);
        }
        catch (Exception e) when (e is HypervisorUnavailableException or HypervisorOperationException or LibvirtException)
        {
            // Serving the API (and /healthz's 503) beats refusing to start; the power sync settles states once libvirt is back.
            logger.LogError("Reconcile skipped: the hypervisor does not answer ({Message})", e.Message);
            return;
        }

        foreach (var server in await servers.LiveAsync(cancellationToken))
        {
            var id = server.Id;
            guests.TryGetValue(id, out var guest);
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
            else
            {
                await SettleAsync(server, guest, cancellationToken);
            }
        }

        await ReapOrphansAsync(paths, guests, cancellationToken);
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

        if (vmState == VmStates.Active && guest is not null && power is PowerState.Shutdown or PowerState.Crashed && options.Servers.ResumeGuestsOnHostBoot)
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
    private async Task ReapOrphansAsync(HypervisorPaths paths, Dictionary<Guid, GuestStatus> guests, CancellationToken cancellationToken)
    {
        var live = await servers.AllUuidsAsync(deleted: false, cancellationToken);
        var deleted = await servers.AllUuidsAsync(deleted: true, cancellationToken);
        var dirs = Directory.Exists(paths.Instances)
            ? Directory.GetDirectories(paths.Instances).Select(Path.GetFileName).OfType<string>().Where(name => Guid.TryParse(name, out _)).ToList()
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
