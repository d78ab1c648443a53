using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;
using Appliance.Tests.Hosting;
using Appliance.Tests.Reliability;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Appliance.Tests.Servers;

/// <summary>os-stop/os-start, pause/unpause, suspend/resume, reboot and lock/unlock on test:///default: codes, states, actions, times.</summary>
public sealed class ServerPowerActionTests(ITestOutputHelper output) : IAsyncLifetime
{
    // The matrix alone sends more actions than the default rate limit allows in a minute. It also writes vm_states straight into
    // the store that the guest does not match (active over a guest an earlier row stopped or suspended): the power sync, on its
    // timer or on a lifecycle event, would "correct" them at a moment of its own, racing the next request (a slow machine
    // widens the gap it can fall into). Every state here is set by an action or by the test, so the sync is kept out: no
    // lifecycle events, and a timer that never ticks during a test.
    private readonly ServerApiSession _session = new()
    {
        Configure = options =>
        {
            options.RateLimits.Enabled = false;
            options.Servers.PowerSyncInterval = TimeSpan.FromDays(1);
        },
        ConfigureServices = EventlessDriver.Replace,
    };

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> ActAsync(string id, string body, string? token = null) =>
        _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", body, token);

    private async Task<string> ActiveServerAsync(string name)
    {
        var id = await _session.CreateServerAsync(name);
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        await _session.Runner.WhenIdleAsync();
        return id;
    }

    private async Task SetStateAsync(string id, string vmState, string? taskState = null)
    {
        await using var connection = await _session.Factory.Services.GetRequiredService<Database>().OpenAsync();
        await connection.ExecuteAsync("UPDATE servers SET vm_state = @vmState, task_state = @taskState WHERE uuid = @id", new { id, vmState, taskState });
    }

    /// <summary>
    /// Puts the server back on m1.nano with no resize open, then in the given vm_state; "resized" also records a resize
    /// (to the same flavor) with its kept disks, as VERIFY_RESIZE has one. What an earlier row's resize kept is dropped.
    /// </summary>
    private async Task ResetToStateAsync(string id, string vmState)
    {
        var driver = _session.Factory.Services.GetRequiredService<IComputeDriver>();
        await driver.ConfirmResizeAsync(Guid.Parse(id));
        if (vmState == "resized")
        {
            // A resize to the same size: the guest has disks kept for a revert, as after a real one.
            await driver.ResizeAsync(Guid.Parse(id), new FlavorSize(MemoryMiB: 256, VCpus: 1, RootGiB: 1, SwapMiB: 0, EphemeralGiB: 0));
        }

        await using var connection = await _session.Factory.Services.GetRequiredService<Database>().OpenAsync();
        var nano = """{"id":"42","name":"m1.nano","vcpus":1,"ram":256,"disk":1,"ephemeral":0,"swap":0,"extra_specs":{}}""";
        var resized = vmState == "resized";
        await connection.ExecuteAsync("""
            UPDATE servers SET vm_state = @vmState, task_state = NULL, flavor_id = '42', flavor_json = @nano, vcpus = 1, memory_mb = 256,
                root_gb = 1, ephemeral_gb = 0, swap_mb = 0, old_flavor_json = CASE WHEN @resized THEN @nano END,
                new_flavor_json = CASE WHEN @resized THEN @nano END, old_vm_state = CASE WHEN @resized THEN 'active' END, resized_at = NULL
            WHERE uuid = @id
            """, new { id, vmState, nano, resized });
    }

    private static string ConflictMessage(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("conflictingRequest").GetProperty("message").GetString()!;

    [Fact]
    public async Task EachAction_Is202_AndTheServerRestsInItsState_WithPowerState_AndATimedEvent()
    {
        var id = await ActiveServerAsync("power");
        (string Body, string Status, int Power, string Action, string Event)[] steps =
        [
            ("""{"os-stop": null}""", "SHUTOFF", 4, "stop", "compute_stop_instance"),
            ("""{"os-start": null}""", "ACTIVE", 1, "start", "compute_start_instance"),
            ("""{"pause": null}""", "PAUSED", 3, "pause", "compute_pause_instance"),
            ("""{"unpause": null}""", "ACTIVE", 1, "unpause", "compute_unpause_instance"),
            ("""{"suspend": null}""", "SUSPENDED", 4, "suspend", "compute_suspend_instance"),
            ("""{"resume": null}""", "ACTIVE", 1, "resume", "compute_resume_instance"),
            ("""{"reboot": {"type": "SOFT"}}""", "ACTIVE", 1, "reboot", "compute_reboot_instance"),
            ("""{"reboot": {"type": "HARD"}}""", "ACTIVE", 1, "reboot", "compute_reboot_instance"),
        ];
        foreach (var step in steps)
        {
            var clock = Stopwatch.StartNew();
            var (status, body, response) = await ActAsync(id, step.Body);
            var accepted = clock.Elapsed;
            Assert.True(status == HttpStatusCode.Accepted, $"{step.Body}: {status} {body}");
            Assert.Equal("", body);
            await _session.Runner.WhenIdleAsync();
            var server = await _session.WaitForStatusAsync(id, [step.Status]);
            output.WriteLine($"{step.Body,-32} accepted in {accepted.TotalMilliseconds,6:F1} ms, {step.Status} after {clock.Elapsed.TotalMilliseconds,6:F1} ms");
            Assert.Equal(JsonValueKind.Null, server.GetProperty("OS-EXT-STS:task_state").ValueKind);
            // A suspended guest is saved to disk: libvirt reports it shut off, as Nova's libvirt driver does.
            Assert.Equal(step.Power, server.GetProperty("OS-EXT-STS:power_state").GetInt32());

            var requestId = response.Headers.GetValues("X-OpenStack-Request-ID").Single();
            var (_, actionBody, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{requestId}", token: _session.AdminToken);
            var action = JsonDocument.Parse(actionBody).RootElement.GetProperty("instanceAction");
            Assert.Equal(step.Action, action.GetProperty("action").GetString());
            Assert.Equal(JsonValueKind.Null, action.GetProperty("message").ValueKind);
            var recorded = action.GetProperty("events").EnumerateArray().Single();
            Assert.Equal(step.Event, recorded.GetProperty("event").GetString());
            Assert.Equal("Success", recorded.GetProperty("result").GetString());
            Assert.True(string.CompareOrdinal(recorded.GetProperty("start_time").GetString(), recorded.GetProperty("finish_time").GetString()) <= 0);
        }
    }

    public static TheoryData<string, string, bool> Matrix()
    {
        // Nova's allowed vm_states per action (each with no task running); everything else is 409.
        var allowed = new Dictionary<string, string[]>
        {
            ["""{"os-stop": null}"""] = ["active", "rescued", "error"],
            ["""{"os-start": null}"""] = ["stopped"],
            ["""{"pause": null}"""] = ["active"],
            ["""{"unpause": null}"""] = ["paused"],
            ["""{"suspend": null}"""] = ["active"],
            ["""{"resume": null}"""] = ["suspended"],
            ["""{"reboot": {"type": "SOFT"}}"""] = ["active"],
            ["""{"reboot": {"type": "HARD"}}"""] = ["active", "stopped", "paused", "suspended", "error"],
            ["""{"createImage": {"name": "m"}}"""] = ["active", "stopped", "paused", "suspended"],
            ["""{"changePassword": {"adminPass": "x"}}"""] = ["active"],
            ["""{"rebuild": {"imageRef": "IMAGE"}}"""] = ["active", "stopped", "error"],
            ["""{"resize": {"flavorRef": "1"}}"""] = ["active", "stopped"],
            ["""{"confirmResize": null}"""] = ["resized"],
            ["""{"revertResize": null}"""] = ["resized"],
        };
        string[] states = ["active", "stopped", "paused", "suspended", "error", "rescued", "resized", "shelved"];
        var data = new TheoryData<string, string, bool>();
        foreach (var (action, ok) in allowed)
        {
            foreach (var state in states)
            {
                data.Add(action, state, ok.Contains(state));
            }
        }

        return data;
    }

    [Fact]
    public async Task Matrix_ActionByVmState_Is202OrNovas409()
    {
        var id = await ActiveServerAsync("matrix");
        var lines = new List<string>();
        foreach (var row in Matrix())
        {
            var (action, state, ok) = ((string)row[0], (string)row[1], (bool)row[2]);
            await ResetToStateAsync(id, state);
            var (status, body, _) = await ActAsync(id, action.Replace("IMAGE", _session.ImageId));
            await _session.Runner.WhenIdleAsync();
            lines.Add($"{action,-40} {state,-10} {(int)status}");
            if (ok)
            {
                // Nova answers confirmResize 204, every other action 202.
                var expected = action.Contains("confirmResize", StringComparison.Ordinal) ? HttpStatusCode.NoContent : HttpStatusCode.Accepted;
                Assert.True(status == expected, $"{action} in {state}: {status} {body}");
            }
            else
            {
                Assert.True(status == HttpStatusCode.Conflict, $"{action} in {state}: {status} {body}");
                var name = JsonDocument.Parse(action).RootElement.EnumerateObject().Single().Name.Replace("os-", "");
                Assert.Equal($"Cannot '{name}' instance {id} while it is in vm_state {state}", ConflictMessage(body));
            }
        }

        output.WriteLine(string.Join('\n', lines));
    }

    [Fact]
    public async Task ATaskRunning_Is409WithTheTaskState()
    {
        var id = await ActiveServerAsync("busy");
        await SetStateAsync(id, "active", "powering-off");
        var (status, body, _) = await ActAsync(id, """{"reboot": {"type": "HARD"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal($"Cannot 'reboot' instance {id} while it is in task_state powering-off", ConflictMessage(body));
    }

    [Theory]
    [InlineData("""{"reboot": {}}""", "'type' is a required property")]
    [InlineData("""{"reboot": {"type": "WARM"}}""", "Invalid input for field/attribute reboot/type. Value must be one of SOFT, HARD.")]
    [InlineData("""{"reboot": {"type": "SOFT", "x": 1}}""", "Additional properties are not allowed ('x' was unexpected)")]
    [InlineData("""{"reboot": null}""", "Invalid input for field/attribute reboot. Value must be an object.")]
    public async Task Reboot_WithABadBody_Is400(string body, string message)
    {
        var id = await ActiveServerAsync("reboot-400");
        var (status, answer, _) = await ActAsync(id, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(JsonSerializer.Serialize(new { badRequest = new { code = 400, message } }), answer);
    }

    [Fact]
    public async Task Reboot_ShowsRebootOrHardReboot_WhileItRuns()
    {
        var id = await ActiveServerAsync("reboot-status");
        await SetStateAsync(id, "active", "rebooting");
        Assert.Equal("REBOOT", (await _session.WaitForStatusAsync(id, ["REBOOT"])).GetProperty("status").GetString());
        await SetStateAsync(id, "active", "rebooting_hard");
        Assert.Equal("HARD_REBOOT", (await _session.WaitForStatusAsync(id, ["HARD_REBOOT"])).GetProperty("status").GetString());
        await SetStateAsync(id, "active");
    }

    [Fact]
    public async Task Lock_MakesEveryMemberAction409_AdminStillActs_AndAnAdminsLockIsTheirsToLift()
    {
        var id = await ActiveServerAsync("locked");
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"lock": null}""")).Status);
        var (_, shown, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}", microversion: "2.9");
        Assert.True(JsonDocument.Parse(shown).RootElement.GetProperty("server").GetProperty("locked").GetBoolean());

        foreach (var action in new[] { """{"os-stop": null}""", """{"pause": null}""", """{"suspend": null}""", """{"reboot": {"type": "HARD"}}""" })
        {
            var (status, body, _) = await ActAsync(id, action);
            Assert.Equal(HttpStatusCode.Conflict, status);
            JsonAssert.Equal($$$"""{"conflictingRequest": {"code": 409, "message": "Instance {{{id}}} is locked"}}""", body);
        }

        // An admin acts on a locked server.
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"os-stop": null}""", _session.AdminToken)).Status);
        await _session.WaitForStatusAsync(id, ["SHUTOFF"]);
        await _session.Runner.WhenIdleAsync();

        // The owner's lock is the owner's to lift; an admin's lock (from another project) is not.
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"unlock": null}""")).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"lock": null}""", _session.AdminToken)).Status);
        var (unlock, unlockBody, _) = await ActAsync(id, """{"unlock": null}""");
        Assert.Equal(HttpStatusCode.Forbidden, unlock);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed."}}""", unlockBody);
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"unlock": null}""", _session.AdminToken)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"os-start": null}""")).Status);
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);

        var (_, actions, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions");
        var names = JsonDocument.Parse(actions).RootElement.GetProperty("instanceActions").EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToList();
        Assert.Equal(["start", "unlock", "lock", "unlock", "stop", "lock", "create"], names);
    }

    [Fact]
    public async Task ChangePassword_Is202OnceTheGuestHasIt_WithAnEvent()
    {
        var id = await ActiveServerAsync("password");
        var clock = Stopwatch.StartNew();
        var (status, body, response) = await ActAsync(id, """{"changePassword": {"adminPass": "N3w-secret"}}""");
        output.WriteLine($"changePassword answered in {clock.Elapsed.TotalMilliseconds:F1} ms (the answer waits for the guest agent)");
        Assert.True(status == HttpStatusCode.Accepted, body);
        Assert.Equal("", body);
        var server = await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        Assert.Equal(JsonValueKind.Null, server.GetProperty("OS-EXT-STS:task_state").ValueKind);
        var requestId = response.Headers.GetValues("X-OpenStack-Request-ID").Single();
        var (_, actionBody, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{requestId}", token: _session.AdminToken);
        var action = JsonDocument.Parse(actionBody).RootElement.GetProperty("instanceAction");
        Assert.Equal("changePassword", action.GetProperty("action").GetString());
        var recorded = action.GetProperty("events").EnumerateArray().Single();
        Assert.Equal("compute_set_admin_password", recorded.GetProperty("event").GetString());
        Assert.Equal("Success", recorded.GetProperty("result").GetString());
        Assert.DoesNotContain("N3w-secret", actionBody);
    }

    [Theory]
    [InlineData("""{"changePassword": {}}""", "'adminPass' is a required property")]
    [InlineData("""{"changePassword": {"adminPass": 1}}""", "Invalid input for field/attribute changePassword/adminPass. Value must be a string.")]
    [InlineData("""{"changePassword": {"adminPass": "x", "y": 1}}""", "Additional properties are not allowed ('y' was unexpected)")]
    public async Task ChangePassword_WithABadBody_Is400(string body, string message)
    {
        var id = await ActiveServerAsync("password-400");
        var (status, answer, _) = await ActAsync(id, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(JsonSerializer.Serialize(new { badRequest = new { code = 400, message } }), answer);
    }

    [Fact]
    public async Task AnotherProjectsServer_Is404()
    {
        var id = await _session.CreateServerAsync("theirs", token: _session.AdminToken);
        var (status, _, _) = await ActAsync(id, """{"os-stop": null}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        await _session.Runner.WhenIdleAsync();
    }
}
