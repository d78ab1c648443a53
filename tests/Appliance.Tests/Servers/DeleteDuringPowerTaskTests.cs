using System.Net;
using System.Text.Json;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>
/// A delete accepted while a power task runs keeps its task_state when that task ends (Nova saves the task's end with
/// expected_task_state, so it cannot overwrite "deleting"); the delete then runs in the server's lane.
/// </summary>
public sealed class DeleteDuringPowerTaskTests : IAsyncLifetime
{
    private Func<UnresponsiveGuestDriver> _driver = null!;
    private ServerApiSession _session = null!;

    public Task InitializeAsync()
    {
        _session = new ServerApiSession { ConfigureServices = services => _driver = UnresponsiveGuestDriver.Wrap(services) };
        return _session.InitializeAsync();
    }

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task SoftRebootEndingAfterADelete_LeavesTaskStateDeleting_ThenTheServerIsGone()
    {
        var id = await _session.CreateServerAsync("deleted-mid-reboot");
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        await _session.Runner.WhenIdleAsync();
        var driver = _driver();
        var waiting = driver.SoftRebootWaiting.Task;
        var (soft, softBody, softResponse) = await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"reboot": {"type": "SOFT"}}""");
        Assert.True(soft == HttpStatusCode.Accepted, softBody);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        driver.HoldDestroy = hold;
        var (deleted, deleteBody, _) = await _session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}");
        Assert.True(deleted == HttpStatusCode.NoContent, deleteBody);
        driver.GuestAnswers.SetResult();

        // The reboot has ended (its event is recorded with its state change) and the delete now waits in DestroyAsync.
        var rebootRequest = softResponse.Headers.GetValues("X-OpenStack-Request-ID").Single();
        await WaitForEventsAsync(rebootRequest);
        var (shown, showBody, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        Assert.Equal(HttpStatusCode.OK, shown);
        var server = JsonDocument.Parse(showBody).RootElement.GetProperty("server");
        Assert.Equal("deleting", server.GetProperty("OS-EXT-STS:task_state").GetString());
        Assert.Equal("active", server.GetProperty("OS-EXT-STS:vm_state").GetString());

        hold.SetResult();
        await _session.Runner.WhenIdleAsync();
        var (gone, goneBody, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        Assert.True(gone == HttpStatusCode.NotFound, goneBody);
    }

    private async Task WaitForEventsAsync(string requestId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        await using var connection = await _session.Factory.Services.GetRequiredService<Database>().OpenAsync();
        while (await connection.QuerySingleAsync<long>(
                   "SELECT COUNT(*) FROM instance_action_events e JOIN instance_actions a ON a.id = e.action_id WHERE a.request_id = @requestId",
                   new { requestId }) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the reboot {requestId} never ended");
            await Task.Delay(20);
        }
    }
}
