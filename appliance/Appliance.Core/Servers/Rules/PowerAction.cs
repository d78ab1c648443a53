using Appliance.Hypervisor.Driver;

namespace Appliance.Core.Servers;

/// <summary>
/// A power operation as Nova's compute API defines it: the vm_states it may start from (with no task running), the
/// task_state it shows while it runs, the hypervisor call, and the vm_state it leaves behind.
/// </summary>
public sealed record PowerAction
{
    private PowerAction(string name, IReadOnlySet<string> fromVmStates, string taskState, string finalVmState,
        Func<IComputeDriver, Guid, CancellationToken, Task> apply)
    {
        Name = name;
        FromVmStates = fromVmStates;
        TaskState = taskState;
        FinalVmState = finalVmState;
        Apply = apply;
    }

    public string Name { get; }

    public IReadOnlySet<string> FromVmStates { get; }

    public string TaskState { get; }

    public string FinalVmState { get; }

    /// <summary>The hypervisor call: the core's own, so the driver stays out of sight of web and the CLI.</summary>
    internal Func<IComputeDriver, Guid, CancellationToken, Task> Apply { get; }

    /// <summary>Tasks this action may interrupt instead of refusing as a conflict; an interrupted soft reboot stops waiting for its guest.</summary>
    public IReadOnlySet<string> TakesOverFrom { get; init; } = States();

    /// <summary>Nova's policy rule for the action, named when it forbids it.</summary>
    public string PolicyRule => Name switch
    {
        "pause" or "unpause" => $"os_compute_api:os-pause-server:{Name}",
        "suspend" or "resume" => $"os_compute_api:os-suspend-server:{Name}",
        _ => $"os_compute_api:servers:{Name}",
    };

    /// <summary>Nova's event name for the phase on the hypervisor, as shown by `openstack server event show`.</summary>
    public string EventName => $"compute_{Name}_instance";

    private static HashSet<string> States(params string[] states) => new(states, StringComparer.Ordinal);

    public static readonly PowerAction Stop = new("stop", States(VmStates.Active, VmStates.Rescued, VmStates.Error),
        TaskStates.PoweringOff, VmStates.Stopped, (driver, id, token) => driver.PowerOffAsync(id, token));

    public static readonly PowerAction Start = new("start", States(VmStates.Stopped),
        TaskStates.PoweringOn, VmStates.Active, (driver, id, token) => driver.PowerOnAsync(id, token));

    public static readonly PowerAction Pause = new("pause", States(VmStates.Active),
        TaskStates.Pausing, VmStates.Paused, (driver, id, token) => driver.PauseAsync(id, token));

    public static readonly PowerAction Unpause = new("unpause", States(VmStates.Paused),
        TaskStates.Unpausing, VmStates.Active, (driver, id, token) => driver.UnpauseAsync(id, token));

    public static readonly PowerAction Suspend = new("suspend", States(VmStates.Active),
        TaskStates.Suspending, VmStates.Suspended, (driver, id, token) => driver.SuspendAsync(id, token));

    public static readonly PowerAction Resume = new("resume", States(VmStates.Suspended),
        TaskStates.Resuming, VmStates.Active, (driver, id, token) => driver.ResumeAsync(id, token));

    /// <summary>Soft reboot: only a running, resting server.</summary>
    public static readonly PowerAction RebootSoft = new("reboot", States(VmStates.Active),
        TaskStates.Rebooting, VmStates.Active, (driver, id, token) => driver.RebootAsync(id, RebootKind.Soft, token));

    /// <summary>
    /// Hard reboot: also brings back a stopped, paused, suspended or failed guest, and may be asked for while a reboot,
    /// pause, unpause, suspend or resume is under way (Nova's ALLOW_REBOOT), e.g. when a guest ignores a soft reboot.
    /// </summary>
    public static readonly PowerAction RebootHard = new("reboot",
        States(VmStates.Active, VmStates.Stopped, VmStates.Paused, VmStates.Suspended, VmStates.Error),
        TaskStates.RebootingHard, VmStates.Active, (driver, id, token) => driver.RebootAsync(id, RebootKind.Hard, token))
    {
        TakesOverFrom = States(TaskStates.Rebooting, TaskStates.RebootPending, TaskStates.RebootStarted, TaskStates.RebootingHard,
            TaskStates.Pausing, TaskStates.Unpausing, TaskStates.Suspending, TaskStates.Resuming),
    };
}
