using System.Net;
using System.Text.Json;
using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>
/// A delete accepted while another operation runs keeps its task_state when that operation ends, well or badly (Nova saves
/// an operation's end with expected_task_state, so it cannot overwrite "deleting"); the delete then runs in the server's lane.
/// </summary>
public sealed class DeleteDuringOperationTests : UnresponsiveGuestTests
{
    [Fact]
    public async Task SoftRebootEndingAfterADelete_LeavesTaskStateDeleting_ThenTheServerIsGone()
    {
        var id = await Session.CreateServerAsync("deleted-mid-reboot");
        await Session.WaitForStatusAsync(id, ["ACTIVE"]);
        await Session.Runner.WhenIdleAsync();
        var driver = Driver;
        var waiting = driver.SoftRebootWaiting.Task;
        var (soft, softBody, softResponse) = await Session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"reboot": {"type": "SOFT"}}""");
        Assert.True(soft == HttpStatusCode.Accepted, softBody);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        driver.HoldDestroy = hold;
        var (deleted, deleteBody, _) = await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}");
        Assert.True(deleted == HttpStatusCode.NoContent, deleteBody);
        driver.GuestAnswers.SetResult();

        // The reboot has ended (its event is recorded with its state change) and the delete now waits in DestroyAsync.
        var rebootRequest = softResponse.Headers.GetValues("X-OpenStack-Request-ID").Single();
        await WaitForEventsAsync(rebootRequest);
        var (shown, showBody, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        Assert.Equal(HttpStatusCode.OK, shown);
        var server = JsonDocument.Parse(showBody).RootElement.GetProperty("server");
        Assert.Equal("deleting", server.GetProperty("OS-EXT-STS:task_state").GetString());
        Assert.Equal("active", server.GetProperty("OS-EXT-STS:vm_state").GetString());

        hold.SetResult();
        await Session.Runner.WhenIdleAsync();
        var (gone, goneBody, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        Assert.True(gone == HttpStatusCode.NotFound, goneBody);
    }

    [Fact]
    public async Task BuildFailingAfterADelete_LeavesTaskStateDeleting_ThenTheServerIsGone()
    {
        var driver = Driver;
        var spawnFailure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        driver.FailSpawn = spawnFailure;
        var (created, createBody, createResponse) = await Session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "deleted-mid-build", "imageRef": "{{{Session.ImageId}}}", "flavorRef": "42"}}""");
        Assert.True(created == HttpStatusCode.Accepted, createBody);
        var id = JsonDocument.Parse(createBody).RootElement.GetProperty("server").GetProperty("id").GetString()!;
        await Session.WaitForServerAsync(id, server => server.GetProperty("OS-EXT-STS:task_state").GetString() == "spawning", "show task_state spawning");

        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        driver.HoldDestroy = hold;
        var (deleted, deleteBody, _) = await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}");
        Assert.True(deleted == HttpStatusCode.NoContent, deleteBody);
        spawnFailure.SetResult(new HypervisorOperationException("the test's driver refused the guest"));

        await WaitForEventsAsync(createResponse.Headers.GetValues("X-OpenStack-Request-ID").Single());
        var (shown, showBody, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        Assert.Equal(HttpStatusCode.OK, shown);
        var server = JsonDocument.Parse(showBody).RootElement.GetProperty("server");
        Assert.Equal(("deleting", "error"), (server.GetProperty("OS-EXT-STS:task_state").GetString(), server.GetProperty("OS-EXT-STS:vm_state").GetString()));

        hold.SetResult();
        await Session.Runner.WhenIdleAsync();
        var (gone, goneBody, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        Assert.True(gone == HttpStatusCode.NotFound, goneBody);
    }

    [Fact]
    public async Task SnapshotEndingAfterADelete_LeavesTaskStateDeleting_ThenTheServerIsGone()
    {
        var id = await Session.CreateServerAsync("deleted-mid-snapshot");
        await Session.WaitForStatusAsync(id, ["ACTIVE"]);
        await Session.Runner.WhenIdleAsync();
        var driver = Driver;
        var snapshot = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        driver.HoldSnapshot = snapshot;
        var (imaged, imageBody, imageResponse) = await Session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action",
            """{"createImage": {"name": "deleted-mid-snapshot-image"}}""");
        Assert.True(imaged == HttpStatusCode.Accepted, imageBody);
        await driver.SnapshotWaiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        driver.HoldDestroy = hold;
        var (deleted, deleteBody, _) = await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}");
        Assert.True(deleted == HttpStatusCode.NoContent, deleteBody);
        snapshot.SetResult();

        // The snapshot has ended (its event is recorded with its state change) and the delete now waits in DestroyAsync.
        await WaitForEventsAsync(imageResponse.Headers.GetValues("X-OpenStack-Request-ID").Single());
        var (shown, showBody, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        Assert.Equal(HttpStatusCode.OK, shown);
        var server = JsonDocument.Parse(showBody).RootElement.GetProperty("server");
        Assert.Equal(("deleting", "active"), (server.GetProperty("OS-EXT-STS:task_state").GetString(), server.GetProperty("OS-EXT-STS:vm_state").GetString()));

        hold.SetResult();
        await Session.Runner.WhenIdleAsync();
        var (gone, goneBody, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        Assert.True(gone == HttpStatusCode.NotFound, goneBody);
    }

    [Fact]
    public async Task FailedDelete_IsErrorWithNoTask_AndASecondDeleteGoesThrough()
    {
        var id = await Session.CreateServerAsync("delete-fails-once");
        await Session.WaitForStatusAsync(id, ["ACTIVE"]);
        await Session.Runner.WhenIdleAsync();
        var driver = Driver;
        var refusal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        refusal.SetException(new HypervisorOperationException("the test's driver refused to destroy the guest"));
        driver.HoldDestroy = refusal;

        var (first, firstBody, _) = await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}");
        Assert.True(first == HttpStatusCode.NoContent, firstBody);
        await Session.Runner.WhenIdleAsync();
        var server = await Session.WaitForStatusAsync(id, ["ERROR"]);
        // As Nova: the failed delete leaves no task behind, so the user can delete again.
        Assert.Equal(JsonValueKind.Null, server.GetProperty("OS-EXT-STS:task_state").ValueKind);
        Assert.Equal($"Delete of instance {id} failed.", server.GetProperty("fault").GetProperty("message").GetString());

        driver.HoldDestroy = null;
        var (second, secondBody, _) = await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}");
        Assert.True(second == HttpStatusCode.NoContent, secondBody);
        await Session.Runner.WhenIdleAsync();
        var (gone, goneBody, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        Assert.True(gone == HttpStatusCode.NotFound, goneBody);
    }

    private async Task WaitForEventsAsync(string requestId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        await using var connection = await Session.Factory.Services.GetRequiredService<Database>().OpenAsync();
        while (await connection.QuerySingleAsync<long>(
                   "SELECT COUNT(*) FROM instance_action_events e JOIN instance_actions a ON a.id = e.action_id WHERE a.request_id = @requestId",
                   new { requestId }) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the operation of request {requestId} never ended");
            await Task.Delay(20);
        }
    }
}
