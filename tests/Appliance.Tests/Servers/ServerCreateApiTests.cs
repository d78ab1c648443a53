using System.Net;
using System.Text.Json;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Servers;

/// <summary>POST /servers: Nova's 202 body and every validation refusal, with the field named in the message.</summary>
public sealed class ServerCreateApiTests : IAsyncLifetime
{
    private readonly ServerApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task Create_Returns202_WithLocationLinksAdminPassAndSecurityGroups()
    {
        var (status, body, response) = await _session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "new-server-test", "imageRef": "{{{_session.ImageId}}}", "flavorRef": "http://localhost/flavors/42"}}""");

        Assert.Equal(HttpStatusCode.Accepted, status);
        var server = JsonDocument.Parse(body).RootElement.GetProperty("server");
        var id = server.GetProperty("id").GetString()!;
        var adminPass = server.GetProperty("adminPass").GetString()!;
        Assert.Equal(12, adminPass.Length);
        JsonAssert.Equal($$$"""
            {"server": {"id": "{{{id}}}", "OS-DCF:diskConfig": "MANUAL", "security_groups": [{"name": "default"}], "adminPass": "{{{adminPass}}}",
             "links": [{"rel": "self", "href": "http://localhost/v2.1/servers/{{{id}}}"}, {"rel": "bookmark", "href": "http://localhost/servers/{{{id}}}"}]}}
            """, body);
        Assert.Equal($"http://localhost/v2.1/servers/{id}", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task ReturnReservationId_Returns202_WithTheReservationOnly()
    {
        var (status, body, _) = await _session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "many", "imageRef": "{{{_session.ImageId}}}", "flavorRef": "42", "min_count": 2, "return_reservation_id": true}}""");

        Assert.Equal(HttpStatusCode.Accepted, status);
        var reservation = JsonDocument.Parse(body).RootElement.GetProperty("reservation_id").GetString()!;
        Assert.StartsWith("r-", reservation);
        var (_, listed, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers?reservation_id={reservation}");
        var names = JsonDocument.Parse(listed).RootElement.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("name").GetString()).Order();
        Assert.Equal(["many-1", "many-2"], names);
    }

    [Fact]
    public async Task MetadataAndPersonalityOverTheLimits_Return403()
    {
        var metadata = string.Join(", ", Enumerable.Range(0, 129).Select(i => $"\"k{i}\": \"v\""));
        var files = string.Join(", ", Enumerable.Range(0, 6).Select(i => $$$"""{"path": "/etc/f{{{i}}}", "contents": "aGk="}"""));
        var cases = new (string Extra, string Message)[]
        {
            ($$$""", "metadata": {{{{metadata}}}}""", "Maximum number of metadata items exceeds 128"),
            ($$$""", "personality": [{{{files}}}]""", "Personality file limit exceeded"),
            ($$$""", "personality": [{"path": "/{{{new string('p', 255)}}}", "contents": "aGk="}]""", "Personality file path exceeds maximum 255"),
            ($$$""", "personality": [{"path": "/etc/big", "contents": "{{{Convert.ToBase64String(new byte[10241])}}}"}]""", "Personality file content exceeds maximum 10240"),
        };
        foreach (var (extra, message) in cases)
        {
            var (status, body, _) = await _session.Send(HttpMethod.Post, "/v2.1/servers",
                $$$"""{"server": {"name": "a", "imageRef": "{{{_session.ImageId}}}", "flavorRef": "42"{{{extra}}}}}""");

            Assert.Equal(HttpStatusCode.Forbidden, status);
            JsonAssert.Equal(JsonSerializer.Serialize(new { forbidden = new { code = 403, message } }), body);
        }
    }

    [Fact]
    public async Task EleventhServer_Returns403_QuotaExceededForInstances()
    {
        for (var i = 0; i < 10; i++)
        {
            await _session.CreateServerAsync($"q{i}");
        }

        var (status, body, _) = await _session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "q10", "imageRef": "{{{_session.ImageId}}}", "flavorRef": "42"}}""");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"}}""", body);
    }

    [Fact]
    public async Task FlavorBiggerThanTheCoresQuota_Returns403_NamingCores()
    {
        var (status, body, _) = await _session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "big", "imageRef": "{{{_session.ImageId}}}", "flavorRef": "42", "min_count": 21, "max_count": 21}}""");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Quota exceeded for cores, instances: Requested 21, 21, but already used 0, 0 of 20, 10 cores, instances"}}""", body);
    }

    [Fact]
    public async Task Reader_Returns403_OnCreate()
    {
        var reader = await Identity.IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "readers", "reader-user", "reader");
        var token = await Identity.IdentityClient.LoginAsync(_session.Client, reader.UserName, reader.Password, "readers");

        var (status, body, _) = await _session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "a", "imageRef": "{{{_session.ImageId}}}", "flavorRef": "42"}}""", token);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:servers:create to be performed."}}""", body);
    }
}

/// <summary>Bodies refused before anything is written, so one appliance serves every case.</summary>
public sealed class ServerCreateValidationTests(ServerApiSession session) : IClassFixture<ServerApiSession>
{
    [Theory]
    [InlineData("""{"server": {"imageRef": "IMAGE", "flavorRef": "42"}}""", "'name' is a required property")]
    [InlineData("""{"server": {"name": " padded", "imageRef": "IMAGE", "flavorRef": "42"}}""", "Invalid input for field/attribute name. Value must be 1 to 255 printable characters without leading or trailing whitespace.")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE"}}""", "'flavorRef' is a required property")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "nope"}}""", "Invalid flavorRef provided.")]
    [InlineData("""{"server": {"name": "a", "flavorRef": "42"}}""", "Missing imageRef attribute")]
    [InlineData("""{"server": {"name": "a", "imageRef": "not-a-uuid", "flavorRef": "42"}}""", "Invalid imageRef provided.")]
    [InlineData("""{"server": {"name": "a", "imageRef": "6f1c5c9e-6e0c-4bd6-8a67-3a9b6b0c0a11", "flavorRef": "42"}}""", "Can not find requested image")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "42", "key_name": "missing"}}""", "Invalid key_name provided.")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "42", "availability_zone": "elsewhere"}}""", "The requested availability zone is not available")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "42", "min_count": 3, "max_count": 2}}""", "min_count must be <= max_count")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "42", "min_count": 0}}""", "Invalid input for field/attribute min_count. Value must be an integer of at least 1.")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "42", "user_data": "%%%"}}""", "Invalid input for field/attribute user_data. Value must be base64 encoded.")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "42", "accessIPv4": "1.2.3"}}""", "Invalid input for field/attribute accessIPv4. Value must be an IPv4 address.")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "42", "OS-DCF:diskConfig": "SOMETIMES"}}""", "Invalid input for field/attribute OS-DCF:diskConfig. Value must be AUTO or MANUAL.")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "42", "metadata": {"k": 1}}}""", "Invalid input for field/attribute metadata. Value of 'k' must be a string of at most 255 characters.")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "42", "networks": [{"uuid": "6f1c5c9e-6e0c-4bd6-8a67-3a9b6b0c0a11"}]}}""", "Network 6f1c5c9e-6e0c-4bd6-8a67-3a9b6b0c0a11 could not be found.")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "42", "description": "not before 2.19"}}""", "Additional properties are not allowed ('description' was unexpected)")]
    [InlineData("""{"server": {"name": "a", "imageRef": "IMAGE", "flavorRef": "42", "colour": "blue"}}""", "Additional properties are not allowed ('colour' was unexpected)")]
    [InlineData("""{"server": {"name": "a", "flavorRef": "42", "block_device_mapping_v2": [{"boot_index": 0, "uuid": "6f1c5c9e-6e0c-4bd6-8a67-3a9b6b0c0a11", "source_type": "volume", "destination_type": "volume"}]}}""", "Volume 6f1c5c9e-6e0c-4bd6-8a67-3a9b6b0c0a11 could not be found.")]
    public async Task InvalidBody_Returns400_NamingTheProblem(string json, string message)
    {
        var (status, body, _) = await session.Send(HttpMethod.Post, "/v2.1/servers", json.Replace("IMAGE", session.ImageId));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(JsonSerializer.Serialize(new { badRequest = new { code = 400, message } }), body);
    }
}
