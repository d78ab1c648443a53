using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Appliance.Tests.Servers;

/// <summary>A hard reboot asked for while a soft one waits for a guest that ignores ACPI takes over, as Nova's ALLOW_REBOOT.</summary>
public sealed class HardRebootTakeoverTests(ITestOutputHelper output) : UnresponsiveGuestTests
{
    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> ActAsync(string id, string body) =>
        Session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", body);

    private static string RequestId(HttpResponseMessage response) => response.Headers.GetValues("X-OpenStack-Request-ID").Single();

    [Fact]
    public async Task HardReboot_DuringASoftReboot_Is202_AbandonsTheSoftOne_AndEndsActiveWithBothActionsListed()
    {
        var id = await Session.CreateServerAsync("ignores-acpi");
        await Session.WaitForStatusAsync(id, ["ACTIVE"]);
        await Session.Runner.WhenIdleAsync();

        var waiting = Driver.SoftRebootWaiting.Task;
        var (soft, softBody, softResponse) = await ActAsync(id, """{"reboot": {"type": "SOFT"}}""");
        Assert.True(soft == HttpStatusCode.Accepted, softBody);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("rebooting", (await Session.WaitForStatusAsync(id, ["REBOOT"])).GetProperty("OS-EXT-STS:task_state").GetString());

        // A second soft reboot is still refused: only a hard one takes over.
        var (again, againBody, _) = await ActAsync(id, """{"reboot": {"type": "SOFT"}}""");
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal($"Cannot 'reboot' instance {id} while it is in task_state rebooting",
            JsonDocument.Parse(againBody).RootElement.GetProperty("conflictingRequest").GetProperty("message").GetString());

        var clock = Stopwatch.StartNew();
        var (hard, hardBody, hardResponse) = await ActAsync(id, """{"reboot": {"type": "HARD"}}""");
        Assert.True(hard == HttpStatusCode.Accepted, hardBody);
        // The soft reboot here waits until it is cancelled (the guest never answers, and the driver's own 120 s are not in play):
        // ACTIVE at all means the hard one did not queue behind it, however long the machine takes to get there.
        var server = await Session.WaitForStatusAsync(id, ["ACTIVE"]);
        output.WriteLine($"hard reboot during a soft one: ACTIVE {clock.Elapsed.TotalMilliseconds:F0} ms after the request");
        await Session.Runner.WhenIdleAsync();
        server = await Session.WaitForStatusAsync(id, ["ACTIVE"]);
        Assert.Equal(JsonValueKind.Null, server.GetProperty("OS-EXT-STS:task_state").ValueKind);
        Assert.Equal(1, server.GetProperty("OS-EXT-STS:power_state").GetInt32());

        var (_, list, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions");
        var actions = JsonDocument.Parse(list).RootElement.GetProperty("instanceActions").EnumerateArray()
            .Select(a => (a.GetProperty("action").GetString(), a.GetProperty("request_id").GetString())).ToList();
        Assert.Equal([("reboot", RequestId(hardResponse)), ("reboot", RequestId(softResponse)), ("create", actions[2].Item2)], actions);

        var softAction = await ActionAsync(id, RequestId(softResponse));
        Assert.Equal("Error", softAction.GetProperty("message").GetString());
        Assert.Equal("Error", softAction.GetProperty("events").EnumerateArray().Single().GetProperty("result").GetString());
        var hardAction = await ActionAsync(id, RequestId(hardResponse));
        Assert.Equal(JsonValueKind.Null, hardAction.GetProperty("message").ValueKind);
        var hardEvent = hardAction.GetProperty("events").EnumerateArray().Single();
        Assert.Equal(("compute_reboot_instance", "Success"), (hardEvent.GetProperty("event").GetString(), hardEvent.GetProperty("result").GetString()));

        await using var connection = await Session.Factory.Services.GetRequiredService<Database>().OpenAsync();
        var details = await connection.QuerySingleAsync<string>(
            "SELECT e.details FROM instance_action_events e JOIN instance_actions a ON a.id = e.action_id WHERE a.request_id = @requestId",
            new { requestId = RequestId(softResponse) });
        Assert.Equal(ServerPowerService.AbandonedDetails, details);
    }

    [Fact]
    public async Task HardReboot_DuringAPause_WaitsItsTurn_AndEndsActive()
    {
        var id = await Session.CreateServerAsync("paused-then-hard");
        await Session.WaitForStatusAsync(id, ["ACTIVE"]);
        await Session.Runner.WhenIdleAsync();
        // The pause is recorded as under way (as if the hypervisor were slow); the hard reboot is allowed past it.
        await using (var connection = await Session.Factory.Services.GetRequiredService<Database>().OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE servers SET task_state = 'pausing' WHERE uuid = @id", new { id });
        }

        var (hard, hardBody, _) = await ActAsync(id, """{"reboot": {"type": "HARD"}}""");
        Assert.True(hard == HttpStatusCode.Accepted, hardBody);
        await Session.Runner.WhenIdleAsync();
        var server = await Session.WaitForStatusAsync(id, ["ACTIVE"]);
        Assert.Equal(JsonValueKind.Null, server.GetProperty("OS-EXT-STS:task_state").ValueKind);
    }

    private async Task<JsonElement> ActionAsync(string id, string requestId)
    {
        var (_, body, _) = await Session.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{requestId}", token: Session.AdminToken);
        return JsonDocument.Parse(body).RootElement.GetProperty("instanceAction").Clone();
    }
}
