namespace Appliance.Core.Servers;

/// <summary>
/// The API's server status, derived from vm_state and task_state with Nova's table, and back again for
/// the status filter of server lists.
/// </summary>
public static class ServerStatus
{
    private const string Default = "";

    private static readonly Dictionary<string, Dictionary<string, string>> StateMap = new(StringComparer.Ordinal)
    {
        [VmStates.Active] = new(StringComparer.Ordinal)
        {
            [Default] = "ACTIVE",
            [TaskStates.Rebooting] = "REBOOT",
            [TaskStates.RebootPending] = "REBOOT",
            [TaskStates.RebootStarted] = "REBOOT",
            [TaskStates.RebootingHard] = "HARD_REBOOT",
            [TaskStates.RebootPendingHard] = "HARD_REBOOT",
            [TaskStates.RebootStartedHard] = "HARD_REBOOT",
            [TaskStates.UpdatingPassword] = "PASSWORD",
            [TaskStates.Rebuilding] = "REBUILD",
            [TaskStates.RebuildBlockDeviceMapping] = "REBUILD",
            [TaskStates.RebuildSpawning] = "REBUILD",
            [TaskStates.Migrating] = "MIGRATING",
            [TaskStates.ResizePrep] = "RESIZE",
            [TaskStates.ResizeMigrating] = "RESIZE",
            [TaskStates.ResizeMigrated] = "RESIZE",
            [TaskStates.ResizeFinish] = "RESIZE",
        },
        [VmStates.Building] = new(StringComparer.Ordinal) { [Default] = "BUILD" },
        [VmStates.Stopped] = new(StringComparer.Ordinal)
        {
            [Default] = "SHUTOFF",
            [TaskStates.ResizePrep] = "RESIZE",
            [TaskStates.ResizeMigrating] = "RESIZE",
            [TaskStates.ResizeMigrated] = "RESIZE",
            [TaskStates.ResizeFinish] = "RESIZE",
            [TaskStates.Rebuilding] = "REBUILD",
            [TaskStates.RebuildBlockDeviceMapping] = "REBUILD",
            [TaskStates.RebuildSpawning] = "REBUILD",
        },
        [VmStates.Resized] = new(StringComparer.Ordinal)
        {
            [Default] = "VERIFY_RESIZE",
            [TaskStates.ResizeReverting] = "REVERT_RESIZE",
        },
        [VmStates.Paused] = new(StringComparer.Ordinal) { [Default] = "PAUSED", [TaskStates.Migrating] = "MIGRATING" },
        [VmStates.Suspended] = new(StringComparer.Ordinal) { [Default] = "SUSPENDED" },
        [VmStates.Rescued] = new(StringComparer.Ordinal) { [Default] = "RESCUE" },
        [VmStates.Error] = new(StringComparer.Ordinal)
        {
            [Default] = "ERROR",
            [TaskStates.Rebuilding] = "REBUILD",
            [TaskStates.RebuildBlockDeviceMapping] = "REBUILD",
            [TaskStates.RebuildSpawning] = "REBUILD",
        },
        [VmStates.Deleted] = new(StringComparer.Ordinal) { [Default] = "DELETED" },
        [VmStates.SoftDeleted] = new(StringComparer.Ordinal) { [Default] = "SOFT_DELETED" },
        [VmStates.Shelved] = new(StringComparer.Ordinal) { [Default] = "SHELVED" },
        [VmStates.ShelvedOffloaded] = new(StringComparer.Ordinal) { [Default] = "SHELVED_OFFLOADED" },
    };

    /// <summary>Every status the API can show; a filter on anything else matches nothing (or is an invalid request from 2.38).</summary>
    public static readonly IReadOnlySet<string> Known =
        StateMap.Values.SelectMany(tasks => tasks.Values).Append("UNKNOWN").ToHashSet(StringComparer.Ordinal);

    public static string Of(string vmState, string? taskState)
    {
        if (!StateMap.TryGetValue(vmState, out var tasks))
        {
            return "UNKNOWN";
        }

        return taskState is not null && tasks.TryGetValue(taskState, out var status) ? status : tasks[Default];
    }

    /// <summary>The states that show as this status, as conditions a list filter can turn into SQL.</summary>
    public static IReadOnlyList<StatusMatch> StatesFor(string status)
    {
        var matches = new List<StatusMatch>();
        foreach (var (vmState, tasks) in StateMap)
        {
            if (tasks[Default] == status)
            {
                // The default: no task, or any task that does not change what the status reads.
                matches.Add(new StatusMatch(vmState, [], tasks.Where(pair => pair.Key != Default && pair.Value != status).Select(pair => pair.Key).ToList()));
            }
            else if (tasks.Where(pair => pair.Key != Default && pair.Value == status).Select(pair => pair.Key).ToList() is { Count: > 0 } named)
            {
                matches.Add(new StatusMatch(vmState, named, []));
            }
        }

        return matches;
    }
}

/// <summary>A vm_state with either the only task states that match (OnlyTasks) or those that do not (ExceptTasks).</summary>
public sealed record StatusMatch(string VmState, IReadOnlyList<string> OnlyTasks, IReadOnlyList<string> ExceptTasks);
