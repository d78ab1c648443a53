namespace Appliance.Core.Servers;

/// <summary>Nova's guards before a server is changed: its lock, and the vm/task states an operation may start from.</summary>
public static class ServerStateChecks
{
    /// <summary>Where metadata and tag changes may happen: a server that has come up and is resting.</summary>
    public static readonly IReadOnlySet<string> Resting =
        new HashSet<string>(StringComparer.Ordinal) { VmStates.Active, VmStates.Paused, VmStates.Suspended, VmStates.Stopped };

    /// <summary>A locked server may only be changed by an admin.</summary>
    public static void RequireUnlocked(ServerRecord server, ServerCaller caller)
    {
        if (server.Locked && !caller.IsAdmin)
        {
            throw new ConflictException($"Instance {server.Uuid} is locked");
        }
    }

    /// <summary>
    /// The vm_state must be one of those given; with <paramref name="idle"/> no task may run and the server must have
    /// launched once. <paramref name="action"/> and <paramref name="serverId"/> go into Nova's conflict message.
    /// </summary>
    public static void RequireState(ServerRecord server, IReadOnlySet<string> vmStates, bool idle, string action, string serverId)
    {
        if (!vmStates.Contains(server.VmState))
        {
            throw Conflict(action, serverId, "vm_state", server.VmState);
        }

        if (idle && server.TaskState is { } task)
        {
            throw Conflict(action, serverId, "task_state", task);
        }

        if (idle && server.LaunchedAt is null)
        {
            throw Conflict(action, serverId, "launched_at", "None");
        }
    }

    /// <summary>As RequireState with idle, except that a task in <paramref name="takesOverFrom"/> may be running: the new operation supersedes it.</summary>
    public static void RequireState(ServerRecord server, IReadOnlySet<string> vmStates, IReadOnlySet<string> takesOverFrom, string action, string serverId) =>
        RequireState(server, vmStates, IdleFor(server, takesOverFrom), action, serverId);

    /// <summary>
    /// Whether the server's state lets the power action start now, by the checks ServerPowerService makes (the lock and the
    /// caller's role are left to it): the status page's table of what is allowed.
    /// </summary>
    public static bool Allows(ServerRecord server, PowerAction action) =>
        Passes(server, action.FromVmStates, IdleFor(server, action.TakesOverFrom));

    /// <summary>Whether a snapshot (createImage) may start now, by ServerSnapshotService's checks.</summary>
    public static bool AllowsSnapshot(ServerRecord server) => Passes(server, ServerSnapshotService.AllowedVmStates, idle: true);

    /// <summary>Whether asking for a delete does anything now: any state may be deleted, but a delete already under way is not started again.</summary>
    public static bool AllowsDelete(ServerRecord server) => server.TaskState != TaskStates.Deleting;

    private static bool Passes(ServerRecord server, IReadOnlySet<string> vmStates, bool idle) =>
        vmStates.Contains(server.VmState) && !(idle && (server.TaskState is not null || server.LaunchedAt is null));

    private static bool IdleFor(ServerRecord server, IReadOnlySet<string> takesOverFrom) =>
        server.TaskState is not { } task || !takesOverFrom.Contains(task);

    private static ConflictException Conflict(string action, string serverId, string attribute, string state) =>
        new($"Cannot '{action}' instance {serverId} while it is in {attribute} {state}");
}
