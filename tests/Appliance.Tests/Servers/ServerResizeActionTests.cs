using System.Net;
using System.Text.Json;
using Appliance.Core.Store;
using Appliance.Hypervisor.Disks;
using Appliance.Tests.Hosting;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Appliance.Tests.Servers;

/// <summary>resize, confirmResize and revertResize on test:///default: codes, bodies, states, flavors, disks, quotas and actions.</summary>
public sealed class ServerResizeActionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ServerApiSession _session = new() { Configure = options => options.RateLimits.Enabled = false };

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> ActAsync(string id, string body, string? token = null) =>
        _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", body, token);

    private async Task<string> ActiveServerAsync(string name, string flavorRef = "42")
    {
        var (status, body, _) = await _session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "{{{name}}}", "imageRef": "{{{_session.ImageId}}}", "flavorRef": "{{{flavorRef}}}"}}""");
        Assert.True(status == HttpStatusCode.Accepted, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("server").GetProperty("id").GetString()!;
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        await _session.Runner.WhenIdleAsync();
        return id;
    }

    private async Task<JsonElement> ResizedAsync(string id, string flavorRef)
    {
        var (status, body, _) = await ActAsync(id, $$$"""{"resize": {"flavorRef": "{{{flavorRef}}}"}}""");
        Assert.True(status == HttpStatusCode.Accepted, body);
        Assert.Equal("", body);
        await _session.Runner.WhenIdleAsync();
        return await _session.WaitForStatusAsync(id, ["VERIFY_RESIZE"]);
    }

    private async Task<JsonElement> ShowAsync(string id, string microversion = "2.47")
    {
        var (status, body, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}", microversion: microversion);
        Assert.True(status == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("server").Clone();
    }

    private async Task<JsonElement> ActionAsync(string id, HttpResponseMessage response)
    {
        var requestId = response.Headers.GetValues("X-OpenStack-Request-ID").Single();
        var (_, body, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{requestId}", token: _session.AdminToken);
        return JsonDocument.Parse(body).RootElement.GetProperty("instanceAction").Clone();
    }

    private string Instances(string id, string suffix = "") => Path.Combine(_session.Factory.DataDir, "instances", id + suffix);

    private Task<long> RootBytesAsync(string id) =>
        QemuImg.InfoAsync(Path.Combine(Instances(id), "disk"), "qcow2").ContinueWith(info => info.Result.VirtualSizeBytes);

    private async Task AdminAsync(HttpMethod method, string path, string json)
    {
        var (status, body, _) = await _session.Send(method, path, json, _session.AdminToken);
        Assert.True((int)status < 300, body);
    }

    private async Task ExecuteAsync(string sql, object parameters)
    {
        await using var connection = await _session.Factory.Services.GetRequiredService<Database>().OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    private static void AssertFault(HttpStatusCode expected, string name, string message, HttpStatusCode status, string body)
    {
        Assert.True(status == expected, $"{status} {body}");
        JsonAssert.Equal(JsonSerializer.Serialize(new Dictionary<string, object> { [name] = new { code = (int)expected, message } }), body);
    }

    [Fact]
    public async Task Resize_ThenConfirm_Is202Then204_TheNewFlavorStays_AndTheKeptDisksGo()
    {
        var id = await ActiveServerAsync("grow");
        var (status, body, response) = await ActAsync(id, """{"resize": {"flavorRef": "1"}}""");
        Assert.True(status == HttpStatusCode.Accepted, body);
        Assert.Equal("", body);
        await _session.Runner.WhenIdleAsync();

        var server = await _session.WaitForStatusAsync(id, ["VERIFY_RESIZE"]);
        Assert.Equal("resized", server.GetProperty("OS-EXT-STS:vm_state").GetString());
        Assert.Equal(JsonValueKind.Null, server.GetProperty("OS-EXT-STS:task_state").ValueKind);
        Assert.Equal(1, server.GetProperty("OS-EXT-STS:power_state").GetInt32());
        Assert.Equal("1", server.GetProperty("flavor").GetProperty("id").GetString());
        var flavor = (await ShowAsync(id)).GetProperty("flavor");
        JsonAssert.Equal("""{"vcpus": 1, "ram": 512, "disk": 1, "ephemeral": 0, "swap": 0, "original_name": "m1.tiny", "extra_specs": {}}""", flavor.GetRawText());
        Assert.True(Directory.Exists(Instances(id, "_resize")), "the old disks are kept until the resize is confirmed or reverted");

        var action = await ActionAsync(id, response);
        Assert.Equal("resize", action.GetProperty("action").GetString());
        Assert.Equal(JsonValueKind.Null, action.GetProperty("message").ValueKind);
        var events = action.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("event").GetString(), e.GetProperty("result").GetString())).ToList();
        Assert.Contains(("compute_resize_instance", "Success"), events);
        Assert.Contains(("resize: keep old disks", "Success"), events);

        (status, body, response) = await ActAsync(id, """{"confirmResize": null}""");
        Assert.True(status == HttpStatusCode.NoContent, body);
        Assert.Equal("", body);
        // The answer waits for the confirm: the very next read sees the server at rest.
        server = await ShowAsync(id);
        Assert.Equal("ACTIVE", server.GetProperty("status").GetString());
        Assert.Equal("active", server.GetProperty("OS-EXT-STS:vm_state").GetString());
        Assert.Equal("m1.tiny", server.GetProperty("flavor").GetProperty("original_name").GetString());
        Assert.False(Directory.Exists(Instances(id, "_resize")));
        action = await ActionAsync(id, response);
        Assert.Equal("confirmResize", action.GetProperty("action").GetString());
        Assert.Equal("compute_confirm_resize", action.GetProperty("events").EnumerateArray().Single().GetProperty("event").GetString());

        var (_, limits, _) = await _session.Send(HttpMethod.Get, "/v2.1/limits");
        Assert.Equal(512, JsonDocument.Parse(limits).RootElement.GetProperty("limits").GetProperty("absolute").GetProperty("totalRAMUsed").GetInt32());
    }

    [Fact]
    public async Task Revert_ShowsRevertResize_ThenRestoresTheOldFlavorAndDisks()
    {
        var id = await ActiveServerAsync("revert");
        await ResizedAsync(id, "2");
        Assert.Equal(20L << 30, await RootBytesAsync(id));
        Assert.Equal("m1.small", (await ShowAsync(id)).GetProperty("flavor").GetProperty("original_name").GetString());

        // Hold the server's lane so the revert's state can be seen before it runs.
        var gate = new TaskCompletionSource();
        _session.Runner.Run(id, _ => gate.Task);
        var (status, body, response) = await ActAsync(id, """{"revertResize": null}""");
        Assert.True(status == HttpStatusCode.Accepted, body);
        Assert.Equal("", body);
        var reverting = await ShowAsync(id);
        Assert.Equal("REVERT_RESIZE", reverting.GetProperty("status").GetString());
        Assert.Equal("resize_reverting", reverting.GetProperty("OS-EXT-STS:task_state").GetString());
        gate.SetResult();
        await _session.Runner.WhenIdleAsync();

        var server = await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        Assert.Equal(JsonValueKind.Null, server.GetProperty("OS-EXT-STS:task_state").ValueKind);
        Assert.Equal("42", server.GetProperty("flavor").GetProperty("id").GetString());
        JsonAssert.Equal("""{"vcpus": 1, "ram": 256, "disk": 1, "ephemeral": 0, "swap": 0, "original_name": "m1.nano", "extra_specs": {}}""",
            (await ShowAsync(id)).GetProperty("flavor").GetRawText());
        Assert.Equal(1L << 30, await RootBytesAsync(id));
        Assert.False(Directory.Exists(Instances(id, "_resize")));
        Assert.Equal(1, server.GetProperty("OS-EXT-STS:power_state").GetInt32());
        var action = await ActionAsync(id, response);
        Assert.Equal("revertResize", action.GetProperty("action").GetString());
        Assert.Equal(("compute_revert_resize", "Success"),
            action.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("event").GetString(), e.GetProperty("result").GetString())).Single());
    }

    [Fact]
    public async Task Resize_ShowsResize_WhileItWaitsAndRuns()
    {
        var id = await ActiveServerAsync("resizing");
        var gate = new TaskCompletionSource();
        _session.Runner.Run(id, _ => gate.Task);
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"resize": {"flavorRef": "1"}}""")).Status);
        var server = await ShowAsync(id);
        Assert.Equal("RESIZE", server.GetProperty("status").GetString());
        Assert.Equal("resize_prep", server.GetProperty("OS-EXT-STS:task_state").GetString());
        Assert.Equal(0, server.GetProperty("progress").GetInt32());
        // As Nova, the flavor changes when the resize is done, not when it is asked for; a second action meanwhile is 409.
        Assert.Equal("m1.nano", server.GetProperty("flavor").GetProperty("original_name").GetString());
        var (status, body, _) = await ActAsync(id, """{"resize": {"flavorRef": "2"}}""");
        AssertFault(HttpStatusCode.Conflict, "conflictingRequest", $"Cannot 'resize' instance {id} while it is in task_state resize_prep", status, body);
        gate.SetResult();
        await _session.Runner.WhenIdleAsync();
        await _session.WaitForStatusAsync(id, ["VERIFY_RESIZE"]);
    }

    [Fact]
    public async Task AStoppedServer_IsResizedWithoutStarting_AndStaysShutoffAfterConfirmAndRevert()
    {
        var id = await ActiveServerAsync("stopped");
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"os-stop": null}""")).Status);
        await _session.Runner.WhenIdleAsync();
        await _session.WaitForStatusAsync(id, ["SHUTOFF"]);

        var resized = await ResizedAsync(id, "1");
        Assert.Equal(4, resized.GetProperty("OS-EXT-STS:power_state").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await ActAsync(id, """{"confirmResize": null}""")).Status);
        Assert.Equal("SHUTOFF", (await ShowAsync(id)).GetProperty("status").GetString());

        await ResizedAsync(id, "42");
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"revertResize": null}""")).Status);
        await _session.Runner.WhenIdleAsync();
        var server = await _session.WaitForStatusAsync(id, ["SHUTOFF"]);
        Assert.Equal("m1.tiny", (await ShowAsync(id)).GetProperty("flavor").GetProperty("original_name").GetString());
        Assert.Equal(4, server.GetProperty("OS-EXT-STS:power_state").GetInt32());
    }

    [Theory]
    [InlineData("""{"resize": {"flavorRef": "42"}}""", "When resizing, instances must change flavor!")]
    [InlineData("""{"resize": {"flavorRef": 42}}""", "When resizing, instances must change flavor!")]
    [InlineData("""{"resize": {"flavorRef": "999"}}""", "Flavor 999 could not be found.")]
    [InlineData("""{"resize": {"flavorRef": "http://localhost/flavors/1"}}""", "Flavor http://localhost/flavors/1 could not be found.")]
    [InlineData("""{"resize": {}}""", "'flavorRef' is a required property")]
    [InlineData("""{"resize": {"flavorRef": ""}}""", "Invalid input for field/attribute flavorRef. Value must be a flavor id.")]
    [InlineData("""{"resize": {"flavorRef": true}}""", "Invalid input for field/attribute flavorRef. Value must be a flavor id.")]
    [InlineData("""{"resize": {"flavorRef": "1", "x": 1}}""", "Additional properties are not allowed ('x' was unexpected)")]
    [InlineData("""{"resize": {"flavorRef": "1", "OS-DCF:diskConfig": "BIG"}}""", "Invalid input for field/attribute OS-DCF:diskConfig. Value must be AUTO or MANUAL.")]
    [InlineData("""{"resize": null}""", "Invalid input for field/attribute resize. Value must be an object.")]
    public async Task Resize_WithABadBodyOrFlavor_Is400(string request, string message)
    {
        var id = await ActiveServerAsync("resize-400");
        var (status, body, _) = await ActAsync(id, request);
        AssertFault(HttpStatusCode.BadRequest, "badRequest", message, status, body);
        Assert.Equal("ACTIVE", (await ShowAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Resize_DownOrToZeroDisk_DisabledOrPrivateFlavor_Is400WithNovasMessages()
    {
        await AdminAsync(HttpMethod.Post, "/v2.1/flavors", """{"flavor": {"name": "eph", "ram": 256, "vcpus": 1, "disk": 20, "id": "eph", "OS-FLV-EXT-DATA:ephemeral": 1}}""");
        await AdminAsync(HttpMethod.Post, "/v2.1/flavors", """{"flavor": {"name": "zero", "ram": 256, "vcpus": 1, "disk": 0, "id": "zero"}}""");
        await AdminAsync(HttpMethod.Post, "/v2.1/flavors", """{"flavor": {"name": "private", "ram": 512, "vcpus": 1, "disk": 1, "id": "private", "os-flavor-access:is_public": false}}""");
        await AdminAsync(HttpMethod.Post, "/v2.1/flavors", """{"flavor": {"name": "off", "ram": 512, "vcpus": 1, "disk": 1, "id": "off"}}""");
        await ExecuteAsync("UPDATE flavors SET disabled = 1 WHERE flavorid = 'off'", new { });

        var small = await ActiveServerAsync("on-small", "2");
        var (status, body, _) = await ActAsync(small, """{"resize": {"flavorRef": "1"}}""");
        AssertFault(HttpStatusCode.BadRequest, "badRequest", "Resize error: Unable to resize disk down.", status, body);
        (status, body, _) = await ActAsync(small, """{"resize": {"flavorRef": "zero"}}""");
        AssertFault(HttpStatusCode.BadRequest, "badRequest", "Server disk was unable to be resized because: Resize to zero disk flavor is not allowed.", status, body);

        var withEphemeral = await ActiveServerAsync("with-ephemeral", "eph");
        (status, body, _) = await ActAsync(withEphemeral, """{"resize": {"flavorRef": "2"}}""");
        AssertFault(HttpStatusCode.BadRequest, "badRequest", "Resize error: Unable to resize disk down.", status, body);

        (status, body, _) = await ActAsync(small, """{"resize": {"flavorRef": "private"}}""");
        AssertFault(HttpStatusCode.BadRequest, "badRequest", "Flavor private could not be found.", status, body);
        (status, body, _) = await ActAsync(small, """{"resize": {"flavorRef": "off"}}""");
        AssertFault(HttpStatusCode.BadRequest, "badRequest", "Flavor off could not be found.", status, body);
        Assert.Equal("ACTIVE", (await ShowAsync(small)).GetProperty("status").GetString());
        Assert.False(Directory.Exists(Instances(small, "_resize")));
    }

    [Fact]
    public async Task Resize_ToAFlavorTooSmallForTheImage_Is400()
    {
        var id = await ActiveServerAsync("min-ram");
        // The image asks for more memory than flavor 1 has (raised after the server was built on it).
        await ExecuteAsync("UPDATE images SET min_ram = 1024 WHERE id = @ImageId", new { _session.ImageId });
        var (status, body, _) = await ActAsync(id, """{"resize": {"flavorRef": "1"}}""");
        AssertFault(HttpStatusCode.BadRequest, "badRequest", "Flavor's memory is too small for requested image.", status, body);

        await ExecuteAsync("UPDATE images SET min_ram = 0, min_disk = 5 WHERE id = @ImageId", new { _session.ImageId });
        (status, body, _) = await ActAsync(id, """{"resize": {"flavorRef": "1"}}""");
        AssertFault(HttpStatusCode.BadRequest, "badRequest",
            "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is 1073741824 bytes, minimum size is 5368709120 bytes.",
            status, body);
    }

    [Fact]
    public async Task Resize_BeyondTheCoresOrRamQuota_Is403_AndAResizeInFlightCounts()
    {
        var first = await ActiveServerAsync("quota-1");
        var second = await ActiveServerAsync("quota-2");
        await AdminAsync(HttpMethod.Put, $"/v2.1/os-quota-sets/{_session.Member.ProjectId}", """{"quota_set": {"cores": 3, "ram": 3000}}""");

        // Flavor 3 is 2 vCPUs and 4096 MiB: one more core fits, 3840 more MiB does not.
        var (status, body, _) = await ActAsync(first, """{"resize": {"flavorRef": "3"}}""");
        AssertFault(HttpStatusCode.Forbidden, "forbidden", "Quota exceeded for ram: Requested 3840, but already used 512 of 3000 ram", status, body);

        await AdminAsync(HttpMethod.Put, $"/v2.1/os-quota-sets/{_session.Member.ProjectId}", """{"quota_set": {"force": "True", "cores": 1, "ram": 3000}}""");
        (status, body, _) = await ActAsync(first, """{"resize": {"flavorRef": "3"}}""");
        AssertFault(HttpStatusCode.Forbidden, "forbidden", "Quota exceeded for cores, ram: Requested 1, 3840, but already used 2, 512 of 1, 3000 cores, ram", status, body);

        // The first resize's growth counts at once, while its guest is still being resized: the second does not fit beside it.
        await AdminAsync(HttpMethod.Put, $"/v2.1/os-quota-sets/{_session.Member.ProjectId}", """{"quota_set": {"cores": 20, "ram": 1000}}""");
        var gate = new TaskCompletionSource();
        _session.Runner.Run(first, _ => gate.Task);
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(first, """{"resize": {"flavorRef": "1"}}""")).Status);
        (status, body, _) = await ActAsync(second, """{"resize": {"flavorRef": "1"}}""");
        AssertFault(HttpStatusCode.Forbidden, "forbidden", "Quota exceeded for ram: Requested 256, but already used 768 of 1000 ram", status, body);
        gate.SetResult();
        await _session.Runner.WhenIdleAsync();
        await _session.WaitForStatusAsync(first, ["VERIFY_RESIZE"]);
    }

    [Fact]
    public async Task RevertOfAResizeDown_BeyondTheRamQuota_Is403_AndTheResizeStaysOpen()
    {
        var id = await ActiveServerAsync("down", "1");
        await ResizedAsync(id, "42");
        await AdminAsync(HttpMethod.Put, $"/v2.1/os-quota-sets/{_session.Member.ProjectId}", """{"quota_set": {"ram": 300}}""");
        var (status, body, _) = await ActAsync(id, """{"revertResize": null}""");
        AssertFault(HttpStatusCode.Forbidden, "forbidden", "Quota exceeded for ram: Requested 256, but already used 256 of 300 ram", status, body);
        Assert.Equal("VERIFY_RESIZE", (await ShowAsync(id)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await ActAsync(id, """{"confirmResize": null}""")).Status);
    }

    [Theory]
    [InlineData("confirmResize")]
    [InlineData("revertResize")]
    public async Task ConfirmOrRevert_WithoutAResize_Is409_AndWhenLocked_Is409ForMembersOnly(string action)
    {
        var id = await ActiveServerAsync("not-resized");
        var (status, body, _) = await ActAsync(id, $$"""{"{{action}}": null}""");
        AssertFault(HttpStatusCode.Conflict, "conflictingRequest", $"Cannot '{action}' instance {id} while it is in vm_state active", status, body);

        await ResizedAsync(id, "1");
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"lock": null}""")).Status);
        (status, body, _) = await ActAsync(id, $$$"""{"{{{action}}}": {}}""");
        AssertFault(HttpStatusCode.Conflict, "conflictingRequest", $"Instance {id} is locked", status, body);
        (status, body, _) = await ActAsync(id, $$"""{"{{action}}": null}""", _session.AdminToken);
        Assert.True((int)status is 202 or 204, body);
        await _session.Runner.WhenIdleAsync();
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);

        (status, body, _) = await ActAsync(id, """{"resize": {"flavorRef": "2"}}""");
        AssertFault(HttpStatusCode.Conflict, "conflictingRequest", $"Instance {id} is locked", status, body);
    }

    [Fact]
    public async Task VerifyResizeWithoutARecordedResize_Is400InstanceHasNotBeenResized()
    {
        var id = await ActiveServerAsync("no-record");
        await ExecuteAsync("UPDATE servers SET vm_state = 'resized' WHERE uuid = @id", new { id });
        var (status, body, _) = await ActAsync(id, """{"confirmResize": null}""");
        AssertFault(HttpStatusCode.BadRequest, "badRequest", "Instance has not been resized.", status, body);
        (status, body, _) = await ActAsync(id, """{"revertResize": null}""");
        AssertFault(HttpStatusCode.BadRequest, "badRequest", "Instance has not been resized.", status, body);
    }

    [Fact]
    public async Task AnotherProjectsServer_Is404()
    {
        var theirs = await _session.CreateServerAsync("theirs", token: _session.AdminToken);
        var (status, _, _) = await ActAsync(theirs, """{"resize": {"flavorRef": "1"}}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        (status, _, _) = await ActAsync(theirs, """{"confirmResize": null}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        await _session.Runner.WhenIdleAsync();
    }

    [Fact]
    public async Task AutoConfirm_AfterTheWindow_ConfirmsAsTheSystem()
    {
        var session = new ServerApiSession { Configure = options => options.Servers.ResizeConfirmWindow = TimeSpan.FromMilliseconds(300) };
        await session.InitializeAsync();
        try
        {
            var id = await session.CreateServerAsync("auto");
            await session.WaitForStatusAsync(id, ["ACTIVE"]);
            await session.Runner.WhenIdleAsync();
            var (status, body, _) = await session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"resize": {"flavorRef": "1"}}""");
            Assert.True(status == HttpStatusCode.Accepted, body);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var server = await session.WaitForStatusAsync(id, ["ACTIVE"], TimeSpan.FromSeconds(20));
            output.WriteLine($"confirmed automatically {clock.Elapsed.TotalMilliseconds:F0} ms after the resize was accepted");
            Assert.Equal("1", server.GetProperty("flavor").GetProperty("id").GetString());
            Assert.False(Directory.Exists(Path.Combine(session.Factory.DataDir, "instances", id + "_resize")));
            var (_, actions, _) = await session.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions", token: session.AdminToken);
            var confirm = JsonDocument.Parse(actions).RootElement.GetProperty("instanceActions").EnumerateArray().First();
            Assert.Equal("confirmResize", confirm.GetProperty("action").GetString());
            Assert.Equal(JsonValueKind.Null, confirm.GetProperty("user_id").ValueKind);
            Assert.Equal(JsonValueKind.Null, confirm.GetProperty("project_id").ValueKind);
            Assert.StartsWith("req-", confirm.GetProperty("request_id").GetString());
        }
        finally
        {
            await session.DisposeAsync();
        }
    }
}
