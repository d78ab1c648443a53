using Appliance.Core.Flavors;
using Appliance.Core.Images;
using Appliance.Core.Store;
using Appliance.Hypervisor;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;

namespace Appliance.Core.Servers;

/// <summary>
/// resize, confirmResize and revertResize, as Nova's cold resize on one host: RESIZE while the guest is stopped, copied
/// aside and grown, then VERIFY_RESIZE with the new flavor. Confirm drops the kept copy; revert puts it back with the old
/// flavor. The state of an open resize lives in the server row, so a restart (or the automatic confirm) can finish it.
/// </summary>
public sealed class ServerResizeService(
    Database database,
    ServerService servers,
    ServerRepository repository,
    FlavorRepository flavors,
    FlavorAccessRepository flavorAccess,
    ImageRepository images,
    ServerQuotas quotas,
    ServerOperations operations,
    IComputeDriver driver,
    ServerFaults faults)
{
    public const string ResizeAction = "resize";
    public const string ConfirmAction = "confirmResize";
    public const string RevertAction = "revertResize";
    public const string ResizeEvent = "compute_resize_instance";
    public const string ConfirmEvent = "compute_confirm_resize";
    public const string RevertEvent = "compute_revert_resize";

    /// <summary>Nova's check_instance_state for resize.</summary>
    public static readonly IReadOnlySet<string> ResizeFromVmStates = new HashSet<string>(StringComparer.Ordinal) { VmStates.Active, VmStates.Stopped };

    /// <summary>Nova's check_instance_state for confirmResize and revertResize.</summary>
    public static readonly IReadOnlySet<string> ResolveFromVmStates = new HashSet<string>(StringComparer.Ordinal) { VmStates.Resized };

    /// <summary>The task states of a resize under way: a restart finds it cut short and rolls it back.</summary>
    public static readonly IReadOnlySet<string> ResizingTaskStates = new HashSet<string>(StringComparer.Ordinal)
    {
        TaskStates.ResizePrep, TaskStates.ResizeMigrating, TaskStates.ResizeMigrated, TaskStates.ResizeFinish,
    };

    private const string NotResized = "Instance has not been resized.";

    /// <param name="diskConfig">OS-DCF:diskConfig; as Nova, a resize without it sets MANUAL.</param>
    public async Task ResizeAsync(ServerCaller caller, OperationContext operation, string uuid, string flavorRef, string? diskConfig,
        CancellationToken cancellationToken = default)
    {
        var server = await servers.WritableAsync(caller, uuid, "os_compute_api:servers:resize", cancellationToken);
        // As Nova: lock and state come first, then the flavor, the quota and the image (lock and state again under the write lock).
        ServerStateChecks.RequireUnlocked(server, caller);
        ServerStateChecks.RequireState(server, ResizeFromVmStates, idle: true, ResizeAction, uuid);
        var target = await TargetFlavorAsync(caller, server, flavorRef, cancellationToken);

        var actionId = await database.WriteAsync(async (connection, transaction) =>
        {
            var current = await ServerRepository.FindAsync(connection, transaction, server.Uuid, false, cancellationToken) ?? throw new ServerNotFoundException(uuid);
            ServerStateChecks.RequireUnlocked(current, caller);
            ServerStateChecks.RequireState(current, ResizeFromVmStates, idle: true, ResizeAction, uuid);
            // Checked and claimed in one transaction: new_flavor_json counts in the usage at once, so two resizes cannot both fit.
            await quotas.CheckFlavorChangeAsync(connection, transaction, current.ProjectId, StoredFlavor.FromJson(current.FlavorJson), target, cancellationToken);
            await ServerRepository.UpdateAsync(connection, transaction, current.Uuid, new Dictionary<string, object?>
            {
                ["task_state"] = TaskStates.ResizePrep,
                ["progress"] = 0,
                ["disk_config"] = diskConfig ?? "MANUAL",
                ["old_flavor_json"] = current.FlavorJson,
                ["new_flavor_json"] = target.ToJson(),
                ["old_vm_state"] = current.VmState,
                ["resized_at"] = null,
            }, cancellationToken);
            return await InstanceActions.StartAsync(connection, transaction, current.Uuid, ResizeAction, operation, cancellationToken);
        }, cancellationToken);
        repository.Announce(server.Uuid);
        operations.Run(new ServerOperation(server, actionId, ResizeAction, ResizeEvent)
        {
            StartsWhen = current => current.TaskState == TaskStates.ResizePrep,
            Work = run => ResizeGuestAsync(run, target),
            OnFailure = (run, e) => e is InvalidDiskImageException
                // Refused before the guest was touched: as Nova's rollback, the server is as it was, the action says why.
                ? OperationEnd.Failed("Resize error: Unable to resize disk down.", RolledBackColumns(driver, run.Server))
                : Faulted(run, e, $"Resize of instance {run.Uuid} failed: the hypervisor could not resize the guest."),
        });
    }

    /// <summary>The flavor to resize to, refused with Nova's 400s: unknown, disabled, the same, a disk down or too small for the image.</summary>
    private async Task<StoredFlavor> TargetFlavorAsync(ServerCaller caller, ServerRecord server, string flavorRef, CancellationToken cancellationToken)
    {
        var notFound = new InvalidRequestException($"Flavor {flavorRef} could not be found.");
        var flavor = await flavors.FindAsync(flavorRef, cancellationToken) ?? throw notFound;
        if (!flavor.IsPublic && !caller.IsAdmin && !(await flavorAccess.ProjectsAsync(flavor.FlavorId, cancellationToken)).Contains(caller.ProjectId))
        {
            throw notFound;
        }

        var current = StoredFlavor.FromJson(server.FlavorJson);
        var volumeBacked = server.ImageRef.Length == 0;
        if (flavor.RootGb == 0 && current.Disk != 0 && !volumeBacked)
        {
            throw new InvalidRequestException("Server disk was unable to be resized because: Resize to zero disk flavor is not allowed.");
        }

        var same = flavor.FlavorId == current.Id;
        if (!same && flavor.Disabled)
        {
            throw notFound;
        }

        if (same)
        {
            throw new InvalidRequestException("When resizing, instances must change flavor!");
        }

        var target = StoredFlavor.From(flavor, await flavors.ExtraSpecsAsync(flavor.FlavorId, cancellationToken));
        var imageId = volumeBacked
            ? (await repository.BlockDevicesAsync(server.Uuid, cancellationToken)).FirstOrDefault(m => m.BootIndex == 0)?.ImageId
            : server.ImageRef;
        if (imageId is not null && await images.FindAsync(imageId, cancellationToken) is { } image)
        {
            FlavorImageFit.Check(target, image, volumeBacked);
        }

        // Nova's libvirt driver refuses this once the resize has started ("Resize error: ..."); a single node can say so at once.
        if ((!volumeBacked && target.Disk < current.Disk && target.Disk != 0) || target.Ephemeral < current.Ephemeral)
        {
            throw new InvalidRequestException("Resize error: Unable to resize disk down.");
        }

        return target;
    }

    private async Task<OperationEnd> ResizeGuestAsync(OperationRun run, StoredFlavor target)
    {
        await run.SetTaskAsync(TaskStates.ResizeMigrating);
        var phases = await driver.ResizeAsync(run.Server.Id, new FlavorSize(target.Ram, target.Vcpus, target.Disk, target.Swap, target.Ephemeral), run.Token);
        var columns = ServerRepository.FlavorColumns(target);
        columns["vm_state"] = VmStates.Resized;
        columns["power_state"] = (int)ServerPower.Of(driver, run.Server.Id);
        columns["resized_at"] = Timestamps.Now();
        return OperationEnd.Succeeded(columns) with { Phases = phases, PhasePrefix = "resize" };
    }

    /// <summary>A resize refused before it began: the resize closed, the vm_state it had before.</summary>
    private static Dictionary<string, object?> RolledBackColumns(IComputeDriver driver, ServerRecord server)
    {
        var columns = ClosedResize();
        columns["vm_state"] = server.OldVmState ?? VmStates.Active;
        columns["power_state"] = (int)ServerPower.Of(driver, server.Id);
        return columns;
    }

    /// <summary>confirmResize: answered once the kept disks are gone and the server is ACTIVE (or SHUTOFF when its guest is off).</summary>
    public async Task ConfirmAsync(ServerCaller caller, OperationContext operation, string uuid, CancellationToken cancellationToken = default)
    {
        var server = await servers.WritableAsync(caller, uuid, "os_compute_api:servers:confirm_resize", cancellationToken);
        var actionId = await StartResolveAsync(caller, operation, server, uuid, ConfirmAction, TaskStates.ResizeConfirming, checkRevertQuota: false, cancellationToken);
        var done = operations.RunAndWaitAsync(new ServerOperation(server, actionId, ConfirmAction, ConfirmEvent)
        {
            Work = async run =>
            {
                await driver.ConfirmResizeAsync(run.Server.Id, run.Token);
                return OperationEnd.Succeeded(ConfirmedColumns(driver, run.Server.Id));
            },
            OnFailure = (run, e) => Faulted(run, e, $"Confirm of the resize of instance {run.Uuid} failed."),
        });

        // Dropping the kept copy takes a moment; the answer waits for it so the next request sees the server at rest.
        await done.WaitAsync(cancellationToken);
    }

    /// <summary>revertResize: accepted at once; the server shows REVERT_RESIZE until the old disks and flavor are back.</summary>
    public async Task RevertAsync(ServerCaller caller, OperationContext operation, string uuid, CancellationToken cancellationToken = default)
    {
        var server = await servers.WritableAsync(caller, uuid, "os_compute_api:servers:revert_resize", cancellationToken);
        var actionId = await StartResolveAsync(caller, operation, server, uuid, RevertAction, TaskStates.ResizeReverting, checkRevertQuota: true, cancellationToken);
        operations.Run(new ServerOperation(server, actionId, RevertAction, RevertEvent)
        {
            StartsWhen = current => current.TaskState == TaskStates.ResizeReverting,
            Work = RevertGuestAsync,
            OnFailure = (run, e) => Faulted(run, e, $"Revert of the resize of instance {run.Uuid} failed."),
        });
    }

    private async Task<long> StartResolveAsync(ServerCaller caller, OperationContext operation, ServerRecord server, string uuid, string action,
        string taskState, bool checkRevertQuota, CancellationToken cancellationToken)
    {
        var actionId = await database.WriteAsync(async (connection, transaction) =>
        {
            var current = await ServerRepository.FindAsync(connection, transaction, server.Uuid, false, cancellationToken) ?? throw new ServerNotFoundException(uuid);
            ServerStateChecks.RequireUnlocked(current, caller);
            ServerStateChecks.RequireState(current, ResolveFromVmStates, idle: true, action, uuid);
            if (current.OldFlavorJson is null)
            {
                throw new InvalidRequestException(NotResized);
            }

            if (checkRevertQuota)
            {
                // Reverting a resize down grows the server again, which must still fit.
                await quotas.CheckFlavorChangeAsync(connection, transaction, current.ProjectId, StoredFlavor.FromJson(current.FlavorJson),
                    StoredFlavor.FromJson(current.OldFlavorJson), cancellationToken);
            }

            await ServerRepository.UpdateAsync(connection, transaction, current.Uuid, new Dictionary<string, object?> { ["task_state"] = taskState }, cancellationToken);
            return await InstanceActions.StartAsync(connection, transaction, current.Uuid, action, operation, cancellationToken);
        }, cancellationToken);
        repository.Announce(server.Uuid);
        return actionId;
    }

    /// <summary>After a confirm: as Nova, SHUTOFF when the guest is off (it was stopped before the resize), else ACTIVE; the resize closed.</summary>
    internal static Dictionary<string, object?> ConfirmedColumns(IComputeDriver driver, Guid id)
    {
        var power = ServerPower.Of(driver, id);
        var columns = ClosedResize();
        columns["vm_state"] = power is PowerState.Shutdown or PowerState.Crashed or PowerState.NoState ? VmStates.Stopped : VmStates.Active;
        columns["power_state"] = (int)power;
        return columns;
    }

    private async Task<OperationEnd> RevertGuestAsync(OperationRun run)
    {
        if (!await driver.RevertResizeAsync(run.Server.Id, run.Server.OldVmState != VmStates.Stopped, run.Token))
        {
            throw new HypervisorOperationException($"instance {run.Uuid} has no disks kept by its resize");
        }

        return OperationEnd.Succeeded(RevertedColumns(driver, run.Server));
    }

    /// <summary>After a revert: the old flavor and vm_state back, the resize closed.</summary>
    internal static Dictionary<string, object?> RevertedColumns(IComputeDriver driver, ServerRecord server)
    {
        var columns = server.OldFlavorJson is { } old ? ServerRepository.FlavorColumns(StoredFlavor.FromJson(old)) : [];
        foreach (var (column, value) in ClosedResize())
        {
            columns[column] = value;
        }

        columns["vm_state"] = server.OldVmState ?? VmStates.Active;
        columns["power_state"] = (int)ServerPower.Of(driver, server.Id);
        return columns;
    }

    /// <summary>No resize open any more: the columns that describe one are cleared.</summary>
    public static Dictionary<string, object?> ClosedResize() => new()
    {
        ["old_flavor_json"] = null,
        ["new_flavor_json"] = null,
        ["old_vm_state"] = null,
        ["resized_at"] = null,
        ["progress"] = 0,
    };

    /// <summary>As Nova's error path: the server goes to ERROR with a fault (the driver has put the guest back as well as it could).</summary>
    private OperationEnd Faulted(OperationRun run, Exception error, string message) =>
        OperationEnd.Faulted(faults.From(error, run.Uuid) with { Message = message }, ClosedResize());
}
