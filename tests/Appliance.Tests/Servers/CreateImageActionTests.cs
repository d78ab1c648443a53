using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Appliance.Tests.Hosting;
using Xunit.Abstractions;

namespace Appliance.Tests.Servers;

/// <summary>createImage on test:///default: the snapshot becomes an active private image of the project, and boots.</summary>
public sealed class CreateImageActionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ServerApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private async Task<string> ActiveServerAsync(string name)
    {
        var id = await _session.CreateServerAsync(name);
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        await _session.Runner.WhenIdleAsync();
        return id;
    }

    private async Task<JsonElement> WaitForImageAsync(string imageId, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var (code, body, _) = await _session.Send(HttpMethod.Get, $"/image/v2/images/{imageId}");
            Assert.True(code == HttpStatusCode.OK, body);
            var image = JsonDocument.Parse(body).RootElement.Clone();
            if (image.GetProperty("status").GetString() == status)
            {
                return image;
            }

            Assert.True(DateTime.UtcNow < deadline, $"image {imageId} did not become {status}: {body}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task CreateImage_Below245_GivesLocation_AndAnActivePrivateImageThatBoots()
    {
        var id = await ActiveServerAsync("snap");
        var clock = Stopwatch.StartNew();
        var (status, body, response) = await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action",
            """{"createImage": {"name": "snap-1", "metadata": {"purpose": "backup"}}}""", microversion: "2.44");
        var accepted = clock.Elapsed;
        Assert.True(status == HttpStatusCode.Accepted, body);
        Assert.Equal("", body);
        var location = response.Headers.Location!.ToString();
        Assert.Matches("^http://[^/]+/image/v2/images/[0-9a-f-]{36}$", location);
        var imageId = location[(location.LastIndexOf('/') + 1)..];

        var image = await WaitForImageAsync(imageId, "active");
        output.WriteLine($"createImage accepted in {accepted.TotalMilliseconds:F1} ms, image active after {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal("snap-1", image.GetProperty("name").GetString());
        Assert.Equal("private", image.GetProperty("visibility").GetString());
        Assert.Equal(_session.Member.ProjectId, image.GetProperty("owner").GetString());
        Assert.Equal("qcow2", image.GetProperty("disk_format").GetString());
        Assert.Equal("bare", image.GetProperty("container_format").GetString());
        Assert.Equal("sha512", image.GetProperty("os_hash_algo").GetString());
        Assert.Matches("^[0-9a-f]{32}$", image.GetProperty("checksum").GetString());
        Assert.True(image.GetProperty("size").GetInt64() > 0);
        Assert.Equal("backup", image.GetProperty("purpose").GetString());
        Assert.Equal("snapshot", image.GetProperty("image_type").GetString());
        Assert.Equal(id, image.GetProperty("instance_uuid").GetString());

        await _session.Runner.WhenIdleAsync();
        var server = await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        Assert.Equal(JsonValueKind.Null, server.GetProperty("OS-EXT-STS:task_state").ValueKind);
        var (_, actions, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{response.Headers.GetValues("X-OpenStack-Request-ID").Single()}");
        var action = JsonDocument.Parse(actions).RootElement.GetProperty("instanceAction");
        Assert.Equal("createImage", action.GetProperty("action").GetString());
        Assert.Equal(JsonValueKind.Null, action.GetProperty("message").ValueKind);

        // The snapshot boots.
        var (created, createdBody, _) = await _session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "from-snap", "imageRef": "{{{imageId}}}", "flavorRef": "42"}}""");
        Assert.True(created == HttpStatusCode.Accepted, createdBody);
        await _session.WaitForStatusAsync(JsonDocument.Parse(createdBody).RootElement.GetProperty("server").GetProperty("id").GetString()!, ["ACTIVE"]);
        await _session.Runner.WhenIdleAsync();
    }

    [Fact]
    public async Task CreateImage_From245_AnswersImageId_WithoutLocation()
    {
        var id = await ActiveServerAsync("snap-245");
        var (status, body, response) = await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action",
            """{"createImage": {"name": "snap-2"}}""", microversion: "2.45");
        Assert.True(status == HttpStatusCode.Accepted, body);
        Assert.Null(response.Headers.Location);
        var imageId = JsonDocument.Parse(body).RootElement.GetProperty("image_id").GetString()!;
        JsonAssert.Equal($$"""{"image_id": "{{imageId}}"}""", body);
        await WaitForImageAsync(imageId, "active");
        await _session.Runner.WhenIdleAsync();
    }

    [Theory]
    [InlineData("""{"createImage": {}}""", "'name' is a required property")]
    [InlineData("""{"createImage": {"name": " x"}}""", "Invalid input for field/attribute name. Value must be 1 to 255 printable characters without leading or trailing whitespace.")]
    [InlineData("""{"createImage": {"name": "x", "other": 1}}""", "Additional properties are not allowed ('other' was unexpected)")]
    [InlineData("""{"createImage": null}""", "Invalid input for field/attribute createImage. Value must be an object.")]
    public async Task CreateImage_WithABadBody_Is400(string request, string message)
    {
        var id = await ActiveServerAsync("snap-400");
        var (status, body, _) = await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", request);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(JsonSerializer.Serialize(new { badRequest = new { code = 400, message } }), body);
    }

    [Fact]
    public async Task CreateImage_OfAStoppedServer_Works_AndOfALockedOne_Is409()
    {
        var id = await ActiveServerAsync("snap-stopped");
        Assert.Equal(HttpStatusCode.Accepted, (await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"os-stop": null}""")).Status);
        await _session.WaitForStatusAsync(id, ["SHUTOFF"]);
        await _session.Runner.WhenIdleAsync();
        var (status, body, _) = await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"createImage": {"name": "cold"}}""", microversion: "2.45");
        Assert.True(status == HttpStatusCode.Accepted, body);
        await WaitForImageAsync(JsonDocument.Parse(body).RootElement.GetProperty("image_id").GetString()!, "active");
        await _session.Runner.WhenIdleAsync();
        Assert.Equal(JsonValueKind.Null, (await _session.WaitForStatusAsync(id, ["SHUTOFF"])).GetProperty("OS-EXT-STS:task_state").ValueKind);

        Assert.Equal(HttpStatusCode.Accepted, (await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"lock": null}""")).Status);
        (status, body, _) = await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"createImage": {"name": "locked"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal($$$"""{"conflictingRequest": {"code": 409, "message": "Instance {{{id}}} is locked"}}""", body);
    }
}
