using System.Net;
using System.Text.Json;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;

namespace Appliance.Tests.Flavors;

/// <summary>Admin flavor create/delete and extra specs writes, with Nova's codes and messages.</summary>
public sealed class FlavorManageApiTests : IAsyncLifetime
{
    private readonly ImageApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private async Task<(HttpStatusCode Status, string Body)> Send(HttpMethod method, string path, string? json = null, string? token = null)
    {
        var response = await _session.Send(method, path, token, json is null ? null : ImageApiSession.Json(json));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Create_Returns200_WithTheFlavor_ThenDeleteReturns202()
    {
        var (status, body) = await Send(HttpMethod.Post, "/v2.1/flavors",
            """{"flavor": {"name": "test_flavor", "ram": 1024, "vcpus": 2, "disk": 10, "id": "10", "rxtx_factor": 2.0, "swap": 512, "OS-FLV-EXT-DATA:ephemeral": 5}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""
            {"flavor": {"OS-FLV-DISABLED:disabled": false, "disk": 10, "OS-FLV-EXT-DATA:ephemeral": 5, "os-flavor-access:is_public": true,
             "id": "10", "links": [{"href": "http://localhost/v2.1/flavors/10", "rel": "self"}, {"href": "http://localhost/flavors/10", "rel": "bookmark"}],
             "name": "test_flavor", "ram": 1024, "swap": 512, "vcpus": 2, "rxtx_factor": 2.0}}
            """, body);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/v2.1/flavors/10")).Status);

        Assert.Equal(HttpStatusCode.Accepted, (await Send(HttpMethod.Delete, "/v2.1/flavors/10")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/v2.1/flavors/10")).Status);
        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "Flavor 10 could not be found."}}""", (await Send(HttpMethod.Delete, "/v2.1/flavors/10")).Body);
    }

    [Fact]
    public async Task Create_WithoutAnId_GetsAUuid()
    {
        var (status, body) = await Send(HttpMethod.Post, "/v2.1/flavors", """{"flavor": {"name": "auto", "ram": 64, "vcpus": 1, "disk": 0}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(Guid.TryParse(JsonDocument.Parse(body).RootElement.GetProperty("flavor").GetProperty("id").GetString(), out _));
    }

    [Theory]
    [InlineData("""{"flavor": {"name": "m1.tiny", "ram": 64, "vcpus": 1, "disk": 0}}""", "Flavor with name m1.tiny already exists.")]
    [InlineData("""{"flavor": {"name": "other", "ram": 64, "vcpus": 1, "disk": 0, "id": "1"}}""", "Flavor with ID 1 already exists.")]
    public async Task Duplicate_Returns409(string json, string message)
    {
        var (status, body) = await Send(HttpMethod.Post, "/v2.1/flavors", json);

        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal($$$"""{"conflictingRequest": {"code": 409, "message": "{{{message}}}"}}""", body);
    }

    [Theory]
    [InlineData("""{"flavor": {"name": "x", "ram": 0, "vcpus": 1, "disk": 0}}""", "Invalid input for field/attribute ram. Value must be an integer of at least 1.")]
    [InlineData("""{"flavor": {"name": "x", "ram": 64, "vcpus": 1, "disk": -1}}""", "Invalid input for field/attribute disk. Value must be an integer of at least 0.")]
    [InlineData("""{"flavor": {"name": " x", "ram": 64, "vcpus": 1, "disk": 0}}""", "Invalid input for field/attribute name. Value must be 1 to 255 characters without leading or trailing spaces.")]
    [InlineData("""{"flavor": {"name": "x", "ram": 64, "vcpus": 1, "disk": 0, "id": "a/b"}}""", "Invalid input for field/attribute id. Value must be 1 to 255 of the characters a-z A-Z 0-9 . _ - and inner spaces.")]
    [InlineData("""{"flavor": {"name": "x", "ram": 64, "vcpus": 1}}""", "'disk' is a required property")]
    [InlineData("""{"flavor": {"name": "x", "ram": 64, "vcpus": 1, "disk": 0, "gpu": 1}}""", "Additional properties are not allowed ('gpu' was unexpected)")]
    [InlineData("""{"flavor": {"name": "x", "ram": "lots", "vcpus": 1, "disk": 0}}""", "Invalid input for field/attribute flavor.ram.")]
    public async Task BadCreate_Returns400NamingTheField(string json, string message)
    {
        var (status, body) = await Send(HttpMethod.Post, "/v2.1/flavors", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal($$$"""{"badRequest": {"code": 400, "message": {{{JsonSerializer.Serialize(message)}}}}}""", body);
    }

    [Fact]
    public async Task Member_CannotCreateOrDelete_Returns403()
    {
        var member = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "tenant", "carol");
        var token = await IdentityClient.LoginAsync(_session.Client, member.UserName, member.Password, "tenant");

        var create = await Send(HttpMethod.Post, "/v2.1/flavors", """{"flavor": {"name": "x", "ram": 64, "vcpus": 1, "disk": 0}}""", token);
        var delete = await Send(HttpMethod.Delete, "/v2.1/flavors/1", token: token);

        Assert.Equal(HttpStatusCode.Forbidden, create.Status);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed."}}""", create.Body);
        Assert.Equal(HttpStatusCode.Forbidden, delete.Status);
    }

    [Fact]
    public async Task ExtraSpecs_CreateUpdateDelete()
    {
        var created = await Send(HttpMethod.Post, "/v2.1/flavors/1/os-extra_specs", """{"extra_specs": {"hw:cpu_policy": "shared", "hw:numa_nodes": "1"}}""");
        Assert.Equal(HttpStatusCode.OK, created.Status);
        JsonAssert.Equal("""{"extra_specs": {"hw:cpu_policy": "shared", "hw:numa_nodes": "1"}}""", created.Body);

        var updated = await Send(HttpMethod.Put, "/v2.1/flavors/1/os-extra_specs/hw:numa_nodes", """{"hw:numa_nodes": "2"}""");
        Assert.Equal(HttpStatusCode.OK, updated.Status);
        JsonAssert.Equal("""{"hw:numa_nodes": "2"}""", updated.Body);

        var mismatch = await Send(HttpMethod.Put, "/v2.1/flavors/1/os-extra_specs/hw:numa_nodes", """{"other": "2"}""");
        JsonAssert.Equal("""{"badRequest": {"code": 400, "message": "Request body and URI mismatch"}}""", mismatch.Body);
        var tooMany = await Send(HttpMethod.Put, "/v2.1/flavors/1/os-extra_specs/a", """{"a": "1", "b": "2"}""");
        JsonAssert.Equal("""{"badRequest": {"code": 400, "message": "Request body contains too many items"}}""", tooMany.Body);

        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Delete, "/v2.1/flavors/1/os-extra_specs/hw:cpu_policy")).Status);
        JsonAssert.Equal("""{"extra_specs": {"hw:numa_nodes": "2"}}""", (await Send(HttpMethod.Get, "/v2.1/flavors/1/os-extra_specs")).Body);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Delete, "/v2.1/flavors/1/os-extra_specs/hw:cpu_policy")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Post, "/v2.1/flavors/none/os-extra_specs", """{"extra_specs": {"a": "b"}}""")).Status);
    }
}
