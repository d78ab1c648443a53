using Appliance.Core.Servers;

namespace Appliance.Tests.Servers;

/// <summary>Nova's status table, both ways: what vm_state/task_state show, and what a status filter selects.</summary>
public sealed class ServerStatusTests
{
    [Theory]
    [InlineData("active", null, "ACTIVE")]
    [InlineData("active", "rebooting", "REBOOT")]
    [InlineData("active", "rebooting_hard", "HARD_REBOOT")]
    [InlineData("active", "updating_password", "PASSWORD")]
    [InlineData("active", "rebuilding", "REBUILD")]
    [InlineData("active", "resize_prep", "RESIZE")]
    [InlineData("active", "powering-off", "ACTIVE")]
    [InlineData("active", "deleting", "ACTIVE")]
    [InlineData("building", "spawning", "BUILD")]
    [InlineData("stopped", null, "SHUTOFF")]
    [InlineData("stopped", "rebuild_spawning", "REBUILD")]
    [InlineData("resized", null, "VERIFY_RESIZE")]
    [InlineData("resized", "resize_reverting", "REVERT_RESIZE")]
    [InlineData("paused", null, "PAUSED")]
    [InlineData("suspended", null, "SUSPENDED")]
    [InlineData("error", null, "ERROR")]
    [InlineData("error", "rebuilding", "REBUILD")]
    [InlineData("deleted", null, "DELETED")]
    [InlineData("shelved_offloaded", null, "SHELVED_OFFLOADED")]
    [InlineData("mystery", null, "UNKNOWN")]
    public void Of_DerivesTheStatusAsNova(string vmState, string? taskState, string status) =>
        Assert.Equal(status, ServerStatus.Of(vmState, taskState));

    [Fact]
    public void StatesFor_SelectsExactlyThePairsThatShowThatStatus()
    {
        var vmStates = new[] { "active", "building", "stopped", "resized", "paused", "suspended", "error", "deleted" };
        var taskStates = new string?[] { null, "rebooting", "rebooting_hard", "rebuilding", "resize_prep", "resize_reverting", "powering-off", "spawning", "migrating" };
        foreach (var status in ServerStatus.Known)
        {
            var matches = ServerStatus.StatesFor(status);
            foreach (var vm in vmStates)
            {
                foreach (var task in taskStates)
                {
                    var selected = matches.Any(m => m.VmState == vm && (m.OnlyTasks.Count > 0
                        ? task is not null && m.OnlyTasks.Contains(task)
                        : task is null || !m.ExceptTasks.Contains(task)));
                    Assert.True(selected == (ServerStatus.Of(vm, task) == status), $"{status}: ({vm}, {task ?? "null"})");
                }
            }
        }
    }
}
