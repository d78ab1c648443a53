using System.Net;
using System.Text.Json;
using Appliance.Core.Store;
using Appliance.Tests.Hosting;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>What each advertised microversion changes in servers: views, create and list rules, trigger_crash_dump.</summary>
public sealed class ServerMicroversionTests : IAsyncLifetime
{
    private readonly ServerApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private async Task<JsonElement> ShowAsync(string id, string microversion, string? token = null)
    {
        var (status, body, response) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}", token: token, microversion: microversion);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal($"compute {microversion}", response.Headers.GetValues("OpenStack-API-Version").Single());
        return JsonDocument.Parse(body).RootElement.GetProperty("server").Clone();
    }

    [Fact]
    public async Task Views_GainTheFieldsOfEachVersion()
    {
        var (status, body, _) = await _session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "v", "imageRef": "{{{_session.ImageId}}}", "flavorRef": "42", "description": "my web server", "networks": "none"}}""",
            microversion: "2.47");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("server").GetProperty("id").GetString()!;
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        Assert.Equal(HttpStatusCode.Created, (await _session.Send(HttpMethod.Put, $"/v2.1/servers/{id}/tags/blue", microversion: "2.26")).Status);

        var admin23 = await ShowAsync(id, "2.3", _session.AdminToken);
        Assert.Equal("v", admin23.GetProperty("OS-EXT-SRV-ATTR:hostname").GetString());
        Assert.Equal(0, admin23.GetProperty("OS-EXT-SRV-ATTR:launch_index").GetInt32());
        Assert.Equal("/dev/vda", admin23.GetProperty("OS-EXT-SRV-ATTR:root_device_name").GetString());
        Assert.StartsWith("r-", admin23.GetProperty("OS-EXT-SRV-ATTR:reservation_id").GetString());
        Assert.False(admin23.TryGetProperty("locked", out _));

        var member29 = await ShowAsync(id, "2.9");
        Assert.False(member29.GetProperty("locked").GetBoolean());
        Assert.False(member29.TryGetProperty("OS-EXT-SRV-ATTR:hostname", out _));
        Assert.Equal("UP", (await ShowAsync(id, "2.16", _session.AdminToken)).GetProperty("host_status").GetString());
        Assert.False((await ShowAsync(id, "2.16")).TryGetProperty("host_status", out _));
        Assert.Equal("my web server", (await ShowAsync(id, "2.19")).GetProperty("description").GetString());
        Assert.False((await ShowAsync(id, "2.18")).TryGetProperty("description", out _));
        JsonAssert.Equal("""["blue"]""", (await ShowAsync(id, "2.26")).GetProperty("tags").GetRawText());

        JsonAssert.Equal("""{"id": "42", "links": [{"rel": "bookmark", "href": "http://localhost/flavors/42"}]}""",
            (await ShowAsync(id, "2.46")).GetProperty("flavor").GetRawText());
        JsonAssert.Equal("""{"vcpus": 1, "ram": 256, "disk": 1, "ephemeral": 0, "swap": 0, "original_name": "m1.nano", "extra_specs": {}}""",
            (await ShowAsync(id, "2.47")).GetProperty("flavor").GetRawText());

        var (_, updated, _) = await _session.Send(HttpMethod.Put, $"/v2.1/servers/{id}", """{"server": {"description": null}}""", microversion: "2.19");
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(updated).RootElement.GetProperty("server").GetProperty("description").ValueKind);
    }

    [Theory]
    [InlineData("2.37", """{"server": {"name": "n", "imageRef": "IMAGE", "flavorRef": "42"}}""", "'networks' is a required property")]
    [InlineData("2.37", """{"server": {"name": "n", "imageRef": "IMAGE", "flavorRef": "42", "networks": "some"}}""", "Invalid input for field/attribute networks. Value must be 'auto', 'none' or a list of networks.")]
    [InlineData("2.37", """{"server": {"name": "n", "imageRef": "IMAGE", "flavorRef": "42", "networks": [{"uuid": "x"}]}}""", "Invalid input for field/attribute networks.uuid. Value must be a UUID.")]
    [InlineData("2.36", """{"server": {"name": "n", "imageRef": "IMAGE", "flavorRef": "42", "networks": "none"}}""", "Invalid input for field/attribute networks. Value must be a list of networks.")]
    [InlineData("2.37", """{"server": {"name": "n", "imageRef": "IMAGE", "flavorRef": "42", "networks": [{"uuid": "6f1c5c9e-6e0c-4bd6-8a67-3a9b6b0c0a11", "tag": "t"}]}}""", "Additional properties are not allowed ('tag' was unexpected)")]
    [InlineData("2.33", """{"server": {"name": "n", "flavorRef": "42", "block_device_mapping_v2": [{"boot_index": 0, "uuid": "IMAGE", "source_type": "image", "destination_type": "volume", "tag": "t"}]}}""", "Additional properties are not allowed ('tag' was unexpected)")]
    public async Task CreateRules_FollowTheVersion(string microversion, string json, string message)
    {
        var (status, body, _) = await _session.Send(HttpMethod.Post, "/v2.1/servers", json.Replace("IMAGE", _session.ImageId), microversion: microversion);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(JsonSerializer.Serialize(new { badRequest = new { code = 400, message } }), body);
    }

    [Fact]
    public async Task BootFromVolume_WithATaggedDeviceAt242_MakesTheVolume_AndShowsIt()
    {
        var (status, body, _) = await _session.Send(HttpMethod.Post, "/v2.1/servers", $$$"""
            {"server": {"name": "bfv", "flavorRef": "42", "networks": "auto", "block_device_mapping_v2": [
              {"boot_index": 0, "uuid": "{{{_session.ImageId}}}", "source_type": "image", "destination_type": "volume", "volume_size": 1, "tag": "root", "delete_on_termination": true},
              {"source_type": "blank", "destination_type": "volume", "volume_size": 1}]}}
            """, microversion: "2.42");
        Assert.True(status == HttpStatusCode.Accepted, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("server").GetProperty("id").GetString()!;

        var server = await _session.WaitForStatusAsync(id, ["ACTIVE", "ERROR"]);
        Assert.True(server.GetProperty("status").GetString() == "ACTIVE", server.ToString());
        Assert.Equal("", server.GetProperty("image").GetString());
        var volumes = server.GetProperty("os-extended-volumes:volumes_attached").EnumerateArray().Select(v => v.GetProperty("id").GetString()!).ToList();
        Assert.Equal(2, volumes.Count);
        Assert.All(volumes, v => Assert.True(File.Exists(Path.Combine(_session.Factory.DataDir, "volumes", v))));

        Assert.Equal(HttpStatusCode.NoContent, (await _session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}")).Status);
        await _session.Runner.WhenIdleAsync();
        // The boot volume was delete_on_termination; the blank one was not, as Nova's default.
        Assert.False(File.Exists(Path.Combine(_session.Factory.DataDir, "volumes", volumes[0])));
        Assert.True(File.Exists(Path.Combine(_session.Factory.DataDir, "volumes", volumes[1])));
    }

    [Fact]
    public async Task UnknownStatusFilter_Is400From238()
    {
        Assert.Equal(HttpStatusCode.OK, (await _session.Send(HttpMethod.Get, "/v2.1/servers?status=BOGUS", microversion: "2.37")).Status);
        var (status, body, _) = await _session.Send(HttpMethod.Get, "/v2.1/servers?status=BOGUS", microversion: "2.38");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal("""{"badRequest": {"code": 400, "message": "Invalid status value"}}""", body);
    }

    [Fact]
    public async Task TriggerCrashDump_Is202From217_404Before_409WhenLockedOrBuilding()
    {
        var id = await _session.CreateServerAsync("dump");
        const string action = """{"trigger_crash_dump": null}""";
        var (building, buildingBody, _) = await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", action, microversion: "2.17");
        if (building == HttpStatusCode.Conflict)
        {
            var message = JsonDocument.Parse(buildingBody).RootElement.GetProperty("conflictingRequest").GetProperty("message").GetString();
            Assert.StartsWith($"Cannot 'trigger_crash_dump' instance {id} while it is in", message);
        }

        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        var (status, body, _) = await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", action, microversion: "2.16");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "The resource could not be found."}}""", body);

        (status, body, _) = await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", action, microversion: "2.17");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("", body);
        await _session.Runner.WhenIdleAsync();
        var (_, actions, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions", microversion: "2.17");
        Assert.Contains("\"trigger_crash_dump\"", actions);

        await using (var connection = await _session.Factory.Services.GetRequiredService<Database>().OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE servers SET locked = 1 WHERE uuid = @id", new { id });
        }

        (status, body, _) = await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", action, microversion: "2.17");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal($$$"""{"conflictingRequest": {"code": 409, "message": "Instance {{{id}}} is locked"}}""", body);
    }
}
