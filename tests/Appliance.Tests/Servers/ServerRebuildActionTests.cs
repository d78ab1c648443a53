using System.Net;
using System.Text.Json;
using Appliance.Core.Store;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Processes;
using Appliance.Tests.Hosting;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>rebuild on test:///default: Nova's answer (view, adminPass, Location), the new image and config drive, states and refusals.</summary>
public sealed class ServerRebuildActionTests : IAsyncLifetime
{
    private readonly ServerApiSession _session = new() { Configure = options => options.RateLimits.Enabled = false };

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> ActAsync(string id, string body, string? microversion = null,
        string? token = null) =>
        _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", body, token, microversion);

    private async Task<string> ActiveServerAsync(string name)
    {
        var id = await _session.CreateServerAsync(name);
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        await _session.Runner.WhenIdleAsync();
        return id;
    }

    private async Task ExecuteAsync(string sql, object parameters)
    {
        await using var connection = await _session.Factory.Services.GetRequiredService<Database>().OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    private string InstanceFile(string id, string name) => Path.Combine(_session.Factory.DataDir, "instances", id, name);

    private async Task<JsonElement> MetaDataAsync(string id) =>
        JsonDocument.Parse(await HostCommand.RunAsync("isoinfo", ["-i", InstanceFile(id, "disk.config"), "-R", "-x", "/openstack/latest/meta_data.json"]))
            .RootElement.Clone();

    private static void AssertBadRequest(string message, HttpStatusCode status, string body)
    {
        Assert.True(status == HttpStatusCode.BadRequest, $"{status} {body}");
        JsonAssert.Equal(JsonSerializer.Serialize(new { badRequest = new { code = 400, message } }), body);
    }

    [Fact]
    public async Task Rebuild_Is202_WithNovasRebuildView_AdminPassAndLocation_ThenTheGuestRunsTheNewImage()
    {
        var id = await ActiveServerAsync("before");
        var newImage = await _session.CreateActiveImageAsync();
        var (status, body, response) = await ActAsync(id, $$$"""
            {"rebuild": {"imageRef": "{{{newImage}}}", "name": "after", "adminPass": "Rebuilt-Pass-1", "metadata": {"role": "web"},
                         "accessIPv4": "192.0.2.7", "accessIPv6": "2001:db8::7", "OS-DCF:diskConfig": "AUTO",
                         "personality": [{"path": "/etc/motd", "contents": "aGVsbG8="}]}}
            """);

        Assert.True(status == HttpStatusCode.Accepted, body);
        var server = JsonDocument.Parse(body).RootElement.GetProperty("server");
        // Below 2.75 Nova answers a rebuild with the show view minus the extension attributes: exactly these keys.
        Assert.Equal(
            ["OS-DCF:diskConfig", "accessIPv4", "accessIPv6", "addresses", "adminPass", "created", "flavor", "hostId", "id", "image", "links",
                "metadata", "name", "progress", "status", "tenant_id", "updated", "user_id"],
            server.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("REBUILD", server.GetProperty("status").GetString());
        Assert.Equal(0, server.GetProperty("progress").GetInt32());
        Assert.Equal("Rebuilt-Pass-1", server.GetProperty("adminPass").GetString());
        Assert.Equal(newImage, server.GetProperty("image").GetProperty("id").GetString());
        Assert.Equal("after", server.GetProperty("name").GetString());
        Assert.Equal("192.0.2.7", server.GetProperty("accessIPv4").GetString());
        Assert.Equal("2001:db8::7", server.GetProperty("accessIPv6").GetString());
        Assert.Equal("AUTO", server.GetProperty("OS-DCF:diskConfig").GetString());
        JsonAssert.Equal("""{"role": "web"}""", server.GetProperty("metadata").GetRawText());
        Assert.Equal(server.GetProperty("links")[0].GetProperty("href").GetString(), response.Headers.Location!.ToString());

        await _session.Runner.WhenIdleAsync();
        var shown = await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("OS-EXT-STS:task_state").ValueKind);
        Assert.Equal(1, shown.GetProperty("OS-EXT-STS:power_state").GetInt32());
        Assert.Equal(newImage, shown.GetProperty("image").GetProperty("id").GetString());
        var root = await QemuImg.InfoAsync(InstanceFile(id, "disk"), "qcow2");
        Assert.Equal(new BaseImageCache(new HypervisorPaths(_session.Factory.DataDir)).PathFor(newImage), root.BackingFile);
        var metaData = await MetaDataAsync(id);
        Assert.Equal("after", metaData.GetProperty("name").GetString());
        Assert.Equal("Rebuilt-Pass-1", metaData.GetProperty("admin_pass").GetString());
        Assert.Equal("web", metaData.GetProperty("meta").GetProperty("role").GetString());
        Assert.Equal("/etc/motd", metaData.GetProperty("files")[0].GetProperty("path").GetString());
        // The hostname is the one the server was built with (only 2.90's hostname field changes it).
        Assert.Equal("before", metaData.GetProperty("hostname").GetString());

        var requestId = response.Headers.GetValues("X-OpenStack-Request-ID").Single();
        var (_, actionBody, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{requestId}", token: _session.AdminToken);
        var action = JsonDocument.Parse(actionBody).RootElement.GetProperty("instanceAction");
        Assert.Equal("rebuild", action.GetProperty("action").GetString());
        Assert.Equal(JsonValueKind.Null, action.GetProperty("message").ValueKind);
        var events = action.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("event").GetString(), e.GetProperty("result").GetString())).ToList();
        Assert.Contains(("compute_rebuild_instance", "Success"), events);
        Assert.Contains(("spawn: root disk", "Success"), events);
        Assert.DoesNotContain("Rebuilt-Pass-1", actionBody);
    }

    [Fact]
    public async Task Rebuild_At247_EmbedsTheFlavor_ShowsLockedDescriptionTags_AndGeneratesAPassword()
    {
        var id = await ActiveServerAsync("versioned");
        var (status, body, _) = await ActAsync(id, $$$"""{"rebuild": {"imageRef": "{{{_session.ImageId}}}", "description": "rebuilt"}}""", "2.47");
        Assert.True(status == HttpStatusCode.Accepted, body);
        var server = JsonDocument.Parse(body).RootElement.GetProperty("server");
        Assert.Equal(
            ["OS-DCF:diskConfig", "accessIPv4", "accessIPv6", "addresses", "adminPass", "created", "description", "flavor", "hostId", "id", "image",
                "links", "locked", "metadata", "name", "progress", "status", "tags", "tenant_id", "updated", "user_id"],
            server.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        JsonAssert.Equal("""{"vcpus": 1, "ram": 256, "disk": 1, "ephemeral": 0, "swap": 0, "original_name": "m1.nano", "extra_specs": {}}""",
            server.GetProperty("flavor").GetRawText());
        Assert.Equal("rebuilt", server.GetProperty("description").GetString());
        Assert.False(server.GetProperty("locked").GetBoolean());
        // Generated as at create: the configured length, never empty.
        Assert.Equal(12, server.GetProperty("adminPass").GetString()!.Length);
        await _session.Runner.WhenIdleAsync();
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        Assert.Equal(server.GetProperty("adminPass").GetString(), (await MetaDataAsync(id)).GetProperty("admin_pass").GetString());
    }

    [Fact]
    public async Task Rebuild_ShowsRebuild_WhileItWaits_AndAStoppedServerStaysStopped_AnErrorOneBecomesActive()
    {
        var id = await ActiveServerAsync("states");
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"os-stop": null}""")).Status);
        await _session.Runner.WhenIdleAsync();
        await _session.WaitForStatusAsync(id, ["SHUTOFF"]);

        var gate = new TaskCompletionSource();
        _session.Runner.Run(id, _ => gate.Task);
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, $$$"""{"rebuild": {"imageRef": "{{{_session.ImageId}}}"}}""")).Status);
        var waiting = await _session.WaitForStatusAsync(id, ["REBUILD"]);
        Assert.Equal("rebuilding", waiting.GetProperty("OS-EXT-STS:task_state").GetString());
        var (status, body, _) = await ActAsync(id, """{"os-start": null}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("while it is in task_state rebuilding", body);
        gate.SetResult();
        await _session.Runner.WhenIdleAsync();
        var stopped = await _session.WaitForStatusAsync(id, ["SHUTOFF"]);
        Assert.Equal(4, stopped.GetProperty("OS-EXT-STS:power_state").GetInt32());

        await ExecuteAsync("UPDATE servers SET vm_state = 'error' WHERE uuid = @id", new { id });
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, $$$"""{"rebuild": {"imageRef": "{{{_session.ImageId}}}"}}""")).Status);
        await _session.Runner.WhenIdleAsync();
        Assert.Equal(1, (await _session.WaitForStatusAsync(id, ["ACTIVE"])).GetProperty("OS-EXT-STS:power_state").GetInt32());
    }

    [Fact]
    public async Task Rebuild_WithAPasswordFailingThePolicy_EndsInErrorWithTheFaultSayingWhy()
    {
        var session = new ServerApiSession { Configure = options => options.Servers.AdminPassword.RequireDigit = true };
        await session.InitializeAsync();
        try
        {
            var id = await session.CreateServerAsync("weak", """, "adminPass": "Good-pass-1" """);
            await session.WaitForStatusAsync(id, ["ACTIVE"]);
            await session.Runner.WhenIdleAsync();
            var (status, body, _) = await session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action",
                $$$"""{"rebuild": {"imageRef": "{{{session.ImageId}}}", "adminPass": "nodigitshere"}}""");
            Assert.True(status == HttpStatusCode.Accepted, body);
            await session.Runner.WhenIdleAsync();
            var server = await session.WaitForStatusAsync(id, ["ERROR"], token: session.MemberToken);
            Assert.Equal("The admin password does not meet the password policy: it needs a digit.", server.GetProperty("fault").GetProperty("message").GetString());
            Assert.DoesNotContain("nodigitshere", server.GetRawText());
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    [Fact]
    public async Task Rebuild_WithInstancePasswordsDisabled_AnswersWithoutAdminPass()
    {
        var session = new ServerApiSession { Configure = options => options.Servers.EnableInstancePassword = false };
        await session.InitializeAsync();
        try
        {
            var (created, createdBody, _) = await session.Send(HttpMethod.Post, "/v2.1/servers",
                $$$"""{"server": {"name": "quiet", "imageRef": "{{{session.ImageId}}}", "flavorRef": "42"}}""");
            Assert.True(created == HttpStatusCode.Accepted, createdBody);
            var id = JsonDocument.Parse(createdBody).RootElement.GetProperty("server").GetProperty("id").GetString()!;
            Assert.DoesNotContain("adminPass", createdBody);
            await session.WaitForStatusAsync(id, ["ACTIVE"]);
            await session.Runner.WhenIdleAsync();

            var (status, body, _) = await session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", $$$"""{"rebuild": {"imageRef": "{{{session.ImageId}}}"}}""");
            Assert.True(status == HttpStatusCode.Accepted, body);
            Assert.False(JsonDocument.Parse(body).RootElement.GetProperty("server").TryGetProperty("adminPass", out _));
            await session.Runner.WhenIdleAsync();
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("""{"rebuild": {}}""", "'imageRef' is a required property")]
    [InlineData("""{"rebuild": {"imageRef": "not-a-uuid"}}""", "Invalid input for field/attribute imageRef. Value must be an image UUID.")]
    [InlineData("""{"rebuild": {"imageRef": 7}}""", "Invalid input for field/attribute imageRef. Value must be an image UUID.")]
    [InlineData("""{"rebuild": {"imageRef": "6a2d8fd4-4b8e-4b34-9d39-6c7c8d05f1a1"}}""", "Cannot find image for rebuild")]
    [InlineData("""{"rebuild": {"imageRef": "IMAGE", "key_name": "k"}}""", "Additional properties are not allowed ('key_name' was unexpected)")]
    [InlineData("""{"rebuild": {"imageRef": "IMAGE", "description": "d"}}""", "Additional properties are not allowed ('description' was unexpected)")]
    [InlineData("""{"rebuild": {"imageRef": "IMAGE", "name": " padded"}}""", "Invalid input for field/attribute name. Value must be 1 to 255 printable characters without leading or trailing whitespace.")]
    [InlineData("""{"rebuild": {"imageRef": "IMAGE", "preserve_ephemeral": "maybe"}}""", "Invalid input for field/attribute preserve_ephemeral. Value must be a boolean.")]
    [InlineData("""{"rebuild": {"imageRef": "IMAGE", "accessIPv4": "1.2.3"}}""", "Invalid input for field/attribute accessIPv4. Value must be an IPv4 address.")]
    [InlineData("""{"rebuild": {"imageRef": "IMAGE", "adminPass": 5}}""", "Invalid input for field/attribute adminPass. Value must be a string.")]
    [InlineData("""{"rebuild": {"imageRef": "IMAGE", "OS-DCF:diskConfig": "auto"}}""", "Invalid input for field/attribute OS-DCF:diskConfig. Value must be AUTO or MANUAL.")]
    [InlineData("""{"rebuild": {"imageRef": "IMAGE", "personality": [{"path": "/x"}]}}""", "Invalid input for field/attribute personality. Value each file needs a string path and base64 contents.")]
    [InlineData("""{"rebuild": null}""", "Invalid input for field/attribute rebuild. Value must be an object.")]
    public async Task Rebuild_WithABadBody_Is400(string request, string message)
    {
        var id = await ActiveServerAsync("rebuild-400");
        var (status, body, _) = await ActAsync(id, request.Replace("IMAGE", _session.ImageId));
        AssertBadRequest(message, status, body);
        Assert.Equal("ACTIVE", (await _session.WaitForStatusAsync(id, ["ACTIVE", "REBUILD"])).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Rebuild_WithAnImageNotActive_OrTooBigForTheFlavor_Is400_AndTooMuchMetadata_Is403()
    {
        var id = await ActiveServerAsync("image-checks");
        var queued = JsonDocument.Parse((await _session.Send(HttpMethod.Post, "/image/v2/images",
            """{"name": "empty", "disk_format": "qcow2", "container_format": "bare"}""")).Body).RootElement.GetProperty("id").GetString()!;
        var (status, body, _) = await ActAsync(id, $$$"""{"rebuild": {"imageRef": "{{{queued}}}"}}""");
        AssertBadRequest($"Image {queued} is not active.", status, body);

        var big = await _session.CreateActiveImageAsync();
        await ExecuteAsync("UPDATE images SET min_ram = 1024 WHERE id = @big", new { big });
        (status, body, _) = await ActAsync(id, $$$"""{"rebuild": {"imageRef": "{{{big}}}"}}""");
        AssertBadRequest("Flavor's memory is too small for requested image.", status, body);
        await ExecuteAsync("UPDATE images SET min_ram = 0, min_disk = 2 WHERE id = @big", new { big });
        (status, body, _) = await ActAsync(id, $$$"""{"rebuild": {"imageRef": "{{{big}}}"}}""");
        AssertBadRequest("Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is 1073741824 bytes, minimum size is 2147483648 bytes.",
            status, body);
        await ExecuteAsync("UPDATE images SET min_disk = 0, virtual_size = 3221225472 WHERE id = @big", new { big });
        (status, body, _) = await ActAsync(id, $$$"""{"rebuild": {"imageRef": "{{{big}}}"}}""");
        AssertBadRequest("Flavor's disk is too small for requested image. Flavor disk is 1073741824 bytes, image is 3221225472 bytes.", status, body);

        var metadata = string.Join(", ", Enumerable.Range(0, 129).Select(i => $"\"k{i}\": \"v\""));
        (status, body, _) = await ActAsync(id, $"{{\"rebuild\": {{\"imageRef\": \"{_session.ImageId}\", \"metadata\": {{{metadata}}}}}}}");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Maximum number of metadata items exceeds 128"}}""", body);
        Assert.Equal("ACTIVE", (await _session.WaitForStatusAsync(id, ["ACTIVE"])).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Rebuild_OfALockedServer_Is409ForAMember_AndOfAnotherProjectsServer_Is404()
    {
        var id = await ActiveServerAsync("locked");
        Assert.Equal(HttpStatusCode.Accepted, (await ActAsync(id, """{"lock": null}""")).Status);
        var (status, body, _) = await ActAsync(id, $$$"""{"rebuild": {"imageRef": "{{{_session.ImageId}}}"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal($$$"""{"conflictingRequest": {"code": 409, "message": "Instance {{{id}}} is locked"}}""", body);
        (status, body, _) = await ActAsync(id, $$$"""{"rebuild": {"imageRef": "{{{_session.ImageId}}}"}}""", token: _session.AdminToken);
        Assert.True(status == HttpStatusCode.Accepted, body);
        await _session.Runner.WhenIdleAsync();

        var theirs = await _session.CreateServerAsync("theirs", token: _session.AdminToken);
        (status, _, _) = await ActAsync(theirs, $$$"""{"rebuild": {"imageRef": "{{{_session.ImageId}}}"}}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        await _session.Runner.WhenIdleAsync();
    }

    [Fact]
    public async Task Rebuild_OfAVolumeBackedServer_WithAnotherImage_Is400()
    {
        var (created, createdBody, _) = await _session.Send(HttpMethod.Post, "/v2.1/servers", $$$"""
            {"server": {"name": "bfv", "flavorRef": "42", "block_device_mapping_v2": [{"boot_index": 0, "uuid": "{{{_session.ImageId}}}",
                "source_type": "image", "destination_type": "volume", "volume_size": 1, "delete_on_termination": true}]}}
            """);
        Assert.True(created == HttpStatusCode.Accepted, createdBody);
        var id = JsonDocument.Parse(createdBody).RootElement.GetProperty("server").GetProperty("id").GetString()!;
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        await _session.Runner.WhenIdleAsync();

        var other = await _session.CreateActiveImageAsync();
        var (status, body, _) = await ActAsync(id, $$$"""{"rebuild": {"imageRef": "{{{other}}}"}}""");
        AssertBadRequest($"Image {other} is unacceptable: Unable to rebuild with a different image for a volume-backed server.", status, body);

        // The same image: the guest is made anew on its volume, which is kept.
        (status, body, _) = await ActAsync(id, $$$"""{"rebuild": {"imageRef": "{{{_session.ImageId}}}", "name": "bfv-2"}}""");
        Assert.True(status == HttpStatusCode.Accepted, body);
        Assert.Equal("", JsonDocument.Parse(body).RootElement.GetProperty("server").GetProperty("image").GetString());
        await _session.Runner.WhenIdleAsync();
        var server = await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        Assert.Single(server.GetProperty("os-extended-volumes:volumes_attached").EnumerateArray());
    }
}
