using System.Net;
using System.Text.Json;
using Appliance.Core.Store;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Flavors;

/// <summary>The flavor read API against Nova's api_samples shapes, filters and paging.</summary>
public sealed class FlavorsApiTests : IAsyncLifetime
{
    private readonly ImageApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private async Task<JsonElement> Get(string path, HttpStatusCode expected = HttpStatusCode.OK, string? token = null)
    {
        var response = await _session.Send(HttpMethod.Get, path, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static IEnumerable<string?> Ids(JsonElement body) =>
        body.GetProperty("flavors").EnumerateArray().Select(flavor => flavor.GetProperty("id").GetString());

    [Fact]
    public async Task Show_MatchesNovasSample_ForMTiny()
    {
        var body = await Get("/v2.1/flavors/1");

        JsonAssert.Equal("""
            {"flavor": {"OS-FLV-DISABLED:disabled": false, "disk": 1, "OS-FLV-EXT-DATA:ephemeral": 0,
             "os-flavor-access:is_public": true, "id": "1",
             "links": [{"href": "http://localhost/v2.1/flavors/1", "rel": "self"},
                       {"href": "http://localhost/flavors/1", "rel": "bookmark"}],
             "name": "m1.tiny", "ram": 512, "swap": "", "vcpus": 1, "rxtx_factor": 1.0}}
            """, body.GetRawText());
    }

    [Fact]
    public async Task List_ShowsTheSeededFlavors_OrderedByFlavorId()
    {
        var body = await Get("/v2.1/flavors");

        Assert.Equal(["1", "2", "3", "4", "42", "5"], Ids(body));
        JsonAssert.Equal("""
            {"id": "42", "name": "m1.nano",
             "links": [{"href": "http://localhost/v2.1/flavors/42", "rel": "self"}, {"href": "http://localhost/flavors/42", "rel": "bookmark"}]}
            """, body.GetProperty("flavors")[4].GetRawText());
        Assert.False(body.TryGetProperty("flavors_links", out _));
    }

    [Fact]
    public async Task Detail_FiltersByMinRamAndMinDisk_AndSorts()
    {
        Assert.Equal(["3", "4", "5"], Ids(await Get("/v2.1/flavors/detail?minRam=4096")));
        Assert.Equal(["4", "5"], Ids(await Get("/v2.1/flavors/detail?minDisk=80")));
        Assert.Equal(["5", "4", "3", "2", "1", "42"], Ids(await Get("/v2.1/flavors?sort_key=memory_mb&sort_dir=desc")));
        var nano = (await Get("/v2.1/flavors/detail?minRam=0")).GetProperty("flavors").EnumerateArray().Single(f => f.GetProperty("id").GetString() == "42");
        Assert.Equal((256, 1, 1), (nano.GetProperty("ram").GetInt32(), nano.GetProperty("vcpus").GetInt32(), nano.GetProperty("disk").GetInt32()));
    }

    [Fact]
    public async Task FullPage_LinksTheNext()
    {
        var first = await Get("/v2.1/flavors?limit=2");

        Assert.Equal(["1", "2"], Ids(first));
        var next = first.GetProperty("flavors_links")[0];
        Assert.Equal("next", next.GetProperty("rel").GetString());
        Assert.Equal("http://localhost/v2.1/flavors?limit=2&marker=2", next.GetProperty("href").GetString());
        Assert.Equal(["3", "4"], Ids(await Get("/v2.1/flavors?limit=2&marker=2")));
    }

    [Theory]
    [InlineData("/v2.1/flavors?minRam=lots", "Invalid minRam filter [lots]")]
    [InlineData("/v2.1/flavors?minDisk=1.5", "Invalid minDisk filter [1.5]")]
    [InlineData("/v2.1/flavors?limit=-1", "limit param must be positive")]
    [InlineData("/v2.1/flavors?limit=x", "limit param must be an integer")]
    [InlineData("/v2.1/flavors?marker=999", "marker [999] not found")]
    [InlineData("/v2.1/flavors?is_public=maybe", "Invalid is_public filter [maybe]")]
    [InlineData("/v2.1/flavors?sort_dir=up", "Invalid input for query parameters sort_dir. Value: up. 'up' is not one of asc, desc")]
    public async Task BadQuery_Is400(string path, string message)
    {
        var body = await Get(path, HttpStatusCode.BadRequest);

        JsonAssert.Equal($$$"""{"badRequest": {"code": 400, "message": {{{JsonSerializer.Serialize(message)}}}}}""", body.GetRawText());
    }

    [Fact]
    public async Task UnknownFlavor_Is404()
    {
        var body = await Get("/v2.1/flavors/nope", HttpStatusCode.NotFound);

        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "Flavor nope could not be found."}}""", body.GetRawText());
    }

    [Fact]
    public async Task PrivateFlavor_IsSeenByAdminsAndProjectsWithAccess_NotByOthers()
    {
        var database = _session.Factory.Services.GetRequiredService<Database>();
        var member = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "tenant-a", "alice");
        var outsider = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "tenant-b", "bob");
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO flavors (flavorid, name, memory_mb, vcpus, root_gb, is_public, created_at) VALUES ('p1', 'private.one', 128, 1, 1, 0, '2026-01-01T00:00:00Z');
                INSERT INTO flavor_projects (flavor_id, project_id) SELECT id, @project FROM flavors WHERE flavorid = 'p1';
                """, new { project = member.ProjectId });
        }

        var memberToken = await IdentityClient.LoginAsync(_session.Client, member.UserName, member.Password, "tenant-a");
        var outsiderToken = await IdentityClient.LoginAsync(_session.Client, outsider.UserName, outsider.Password, "tenant-b");

        Assert.Contains("p1", Ids(await Get("/v2.1/flavors", token: memberToken)));
        Assert.Equal("private.one", (await Get("/v2.1/flavors/p1", token: memberToken)).GetProperty("flavor").GetProperty("name").GetString());
        Assert.DoesNotContain("p1", Ids(await Get("/v2.1/flavors", token: outsiderToken)));
        await Get("/v2.1/flavors/p1", HttpStatusCode.NotFound, outsiderToken);
        Assert.Equal(["p1"], Ids(await Get("/v2.1/flavors?is_public=false")));
        Assert.Contains("p1", Ids(await Get("/v2.1/flavors?is_public=none")));
        // A member's is_public is ignored: they always get public plus their own.
        Assert.Contains("1", Ids(await Get("/v2.1/flavors?is_public=false", token: memberToken)));
    }

    [Fact]
    public async Task LegacyV2_ServesTheSameFlavors_WithItsOwnLinks()
    {
        var body = await Get("/v2/flavors/2");

        Assert.Equal("m1.small", body.GetProperty("flavor").GetProperty("name").GetString());
        Assert.Equal("http://localhost/v2/flavors/2", body.GetProperty("flavor").GetProperty("links")[0].GetProperty("href").GetString());
    }

    [Fact]
    public async Task ExtraSpecs_ListAndShow()
    {
        var database = _session.Factory.Services.GetRequiredService<Database>();
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("INSERT INTO flavor_extra_specs (flavor_id, key, value) SELECT id, 'hw:cpu_policy', 'shared' FROM flavors WHERE flavorid = '2'");
        }

        JsonAssert.Equal("""{"extra_specs": {}}""", (await Get("/v2.1/flavors/1/os-extra_specs")).GetRawText());
        JsonAssert.Equal("""{"extra_specs": {"hw:cpu_policy": "shared"}}""", (await Get("/v2.1/flavors/2/os-extra_specs")).GetRawText());
        JsonAssert.Equal("""{"hw:cpu_policy": "shared"}""", (await Get("/v2.1/flavors/2/os-extra_specs/hw:cpu_policy")).GetRawText());
        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "Flavor 2 has no extra specs with key nope."}}""",
            (await Get("/v2.1/flavors/2/os-extra_specs/nope", HttpStatusCode.NotFound)).GetRawText());
        await Get("/v2.1/flavors/nope/os-extra_specs", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task NoToken_Is401()
    {
        var response = await _session.Client.GetAsync("/v2.1/flavors");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
