using System.Net;
using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;
using Appliance.Tests.Servers;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Reliability;

/// <summary>What the crash harness found, each pinned down in process so it stays fixed.</summary>
public sealed class CrashFindingsTests : IAsyncLifetime
{
    private readonly ServerApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task Delete_OfAServerWhoseBuildStoppedBeforeItsVolumeWasMade_Finishes()
    {
        var id = await _session.CreateServerAsync("volume-never-made",
            """, "block_device_mapping_v2": [{"boot_index": -1, "source_type": "blank", "destination_type": "volume", "volume_size": 1, "delete_on_termination": true}]""");
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);

        // What a kill between recording the volume id and making its file leaves (the first volume of the data dir: no volumes dir yet),
        // after the restart failed the build.
        Directory.Delete(Path.Combine(_session.Factory.DataDir, "volumes"), recursive: true);
        await using (var connection = await _session.Factory.Services.GetRequiredService<Database>().OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE servers SET vm_state = 'error' WHERE uuid = @id", new { id });
        }

        var (status, body, _) = await _session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}");
        Assert.True(status == HttpStatusCode.NoContent, body);
        await _session.Runner.WhenIdleAsync();

        var (shown, shownBody, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}", token: _session.AdminToken);
        Assert.True(shown == HttpStatusCode.NotFound, shownBody);
    }

    /// <summary>
    /// A kill after the hypervisor did an action's work but before the server was told: the restart rests the server where the
    /// action would have (test:///default keeps the guest in this process, so the reconciler runs in it again, as at a start).
    /// </summary>
    [Theory]
    [InlineData("os-stop", "powering-off", "SHUTOFF")]
    [InlineData("pause", "pausing", "PAUSED")]
    [InlineData("suspend", "suspending", "SUSPENDED")]
    public async Task Restart_AfterTheGuestDidAnInterruptedAction_RestsTheServerWhereTheActionWould(string action, string task, string status)
    {
        var id = await _session.CreateServerAsync($"cut-{action}");
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        // As the action does: the task first (so the power sync keeps off), then the hypervisor's work, then the kill.
        await using (var connection = await _session.Factory.Services.GetRequiredService<Database>().OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE servers SET task_state = @task WHERE uuid = @id", new { task, id });
        }

        var driver = _session.Factory.Services.GetRequiredService<IComputeDriver>();
        var uuid = Guid.Parse(id);
        await (action switch
        {
            "os-stop" => driver.PowerOffAsync(uuid),
            "pause" => driver.PauseAsync(uuid),
            _ => driver.SuspendAsync(uuid),
        });

        await _session.Factory.Services.GetRequiredService<ServerReconciler>().ReconcileAsync();

        var server = await _session.WaitForStatusAsync(id, [status, "ACTIVE"], TimeSpan.FromSeconds(5));
        Assert.Equal(status, server.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, server.GetProperty("OS-EXT-STS:task_state").ValueKind);
    }
}
