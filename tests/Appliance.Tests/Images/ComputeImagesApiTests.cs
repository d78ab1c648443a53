using System.Net;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;

namespace Appliance.Tests.Images;

/// <summary>The compute API's images and image metadata, against Nova's api_samples shapes and codes.</summary>
public sealed class ComputeImagesApiTests : IAsyncLifetime
{
    private readonly ImageApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private static string Links(string id) => $$$"""
        [{"rel": "self", "href": "http://localhost/v2.1/images/{{{id}}}"},
         {"rel": "bookmark", "href": "http://localhost/images/{{{id}}}"},
         {"rel": "alternate", "type": "application/vnd.openstack.image", "href": "http://localhost/image/images/{{{id}}}"}]
        """;

    private async Task<string> Get(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await _session.Send(HttpMethod.Get, path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: {response.StatusCode} {text}");
        return text;
    }

    [Fact]
    public async Task ListAndDetailAndShow_HaveNovasShapes()
    {
        var data = new byte[8192];
        var id = await _session.CreateActiveImage(
            """{"name": "fakeimage7", "disk_format": "raw", "container_format": "bare", "min_disk": 1, "architecture": "x86_64", "auto_disk_config": "True"}""", data);
        var glance = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, $"/image/v2/images/{id}"));
        var created = glance.GetProperty("created_at").GetString();
        var updated = glance.GetProperty("updated_at").GetString();
        var full = $$$"""
            {"OS-DCF:diskConfig": "AUTO", "OS-EXT-IMG-SIZE:size": 8192, "created": "{{{created}}}", "id": "{{{id}}}",
             "links": {{{Links(id)}}}, "metadata": {"architecture": "x86_64", "auto_disk_config": "True"},
             "minDisk": 1, "minRam": 0, "name": "fakeimage7", "progress": 100, "status": "ACTIVE", "updated": "{{{updated}}}"}
            """;

        JsonAssert.Equal($$$"""{"images": [{"id": "{{{id}}}", "links": {{{Links(id)}}}, "name": "fakeimage7"}]}""", await Get("/v2.1/images"));
        JsonAssert.Equal($$$"""{"images": [{{{full}}}]}""", await Get("/v2.1/images/detail"));
        JsonAssert.Equal($$$"""{"image": {{{full}}}}""", await Get($"/v2.1/images/{id}"));
    }

    [Fact]
    public async Task QueuedImage_ShowsAsSaving_With25Percent()
    {
        var id = await _session.CreateImage("""{"name": "q", "disk_format": "raw", "container_format": "bare"}""");

        var body = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, $"/v2.1/images/{id}"));

        Assert.Equal("SAVING", body.GetProperty("image").GetProperty("status").GetString());
        Assert.Equal(25, body.GetProperty("image").GetProperty("progress").GetInt32());
    }

    [Fact]
    public async Task UnknownImage_Returns404ImageNotFound()
    {
        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "Image not found."}}""",
            await Get($"/v2.1/images/{Guid.NewGuid()}", HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Filters_NameStatusMinDiskServerAndType()
    {
        var a = await _session.CreateActiveImage("""{"name": "a", "disk_format": "raw", "container_format": "bare", "min_disk": 5}""", new byte[512]);
        var snap = await _session.CreateActiveImage(
            """{"name": "b", "disk_format": "raw", "container_format": "bare", "image_type": "snapshot", "instance_uuid": "7f1c1d46-3b4c-4b39-9b5d-0c0e2b0e8a11"}""", new byte[512]);
        var queued = await _session.CreateImage("""{"name": "c", "disk_format": "raw", "container_format": "bare"}""");

        static IEnumerable<string?> Ids(string json) =>
            System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("id").GetString());

        Assert.Equal([a], Ids(await Get("/v2.1/images?name=a")));
        // Nova lowercases the status it is given and passes it on, so Glance's own names match.
        Assert.Equal([queued], Ids(await Get("/v2.1/images?status=QUEUED")));
        Assert.DoesNotContain(queued, Ids(await Get("/v2.1/images?status=ACTIVE")));
        Assert.Equal([a], Ids(await Get("/v2.1/images?minDisk=5")));
        Assert.Equal([snap], Ids(await Get("/v2.1/images?server=http://localhost/v2.1/servers/7f1c1d46-3b4c-4b39-9b5d-0c0e2b0e8a11")));
        Assert.Equal([snap], Ids(await Get("/v2.1/images?type=snapshot")));
        Assert.DoesNotContain(snap, Ids(await Get("/v2.1/images?type=base")));

        var detail = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, $"/v2.1/images/{snap}"));
        Assert.Equal("7f1c1d46-3b4c-4b39-9b5d-0c0e2b0e8a11", detail.GetProperty("image").GetProperty("server").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await _session.Send(HttpMethod.Get, "/v2.1/images?minRam=lots")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _session.Send(HttpMethod.Get, "/v2.1/images?changes-since=yesterday")).StatusCode);
    }

    [Fact]
    public async Task FullPage_CarriesANextLink_ThatReachesTheRest()
    {
        for (var i = 0; i < 3; i++)
        {
            await _session.CreateImage($$$"""{"name": "p{{{i}}}", "disk_format": "raw", "container_format": "bare"}""");
        }

        var first = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, "/v2.1/images/detail?limit=2"));
        var next = first.GetProperty("images_links")[0];
        Assert.Equal("next", next.GetProperty("rel").GetString());
        var lastId = first.GetProperty("images")[1].GetProperty("id").GetString();
        Assert.Equal($"http://localhost/v2.1/images/detail?limit=2&marker={lastId}", next.GetProperty("href").GetString());

        var rest = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, new Uri(next.GetProperty("href").GetString()!).PathAndQuery));
        Assert.Equal(1, rest.GetProperty("images").GetArrayLength());
        Assert.False(rest.TryGetProperty("images_links", out _));
    }

    [Fact]
    public async Task Delete_Returns204_AndProtectedImagesAre403()
    {
        var id = await _session.CreateImage("""{"name": "gone", "disk_format": "raw", "container_format": "bare"}""");
        var guarded = await _session.CreateImage("""{"name": "kept", "disk_format": "raw", "container_format": "bare", "protected": true}""");

        var deleted = await _session.Send(HttpMethod.Delete, $"/v2.1/images/{id}");
        Assert.True(HttpStatusCode.NoContent == deleted.StatusCode, await deleted.Content.ReadAsStringAsync());
        await Get($"/v2.1/images/{id}", HttpStatusCode.NotFound);
        var refused = await _session.Send(HttpMethod.Delete, $"/v2.1/images/{guarded}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "You are not allowed to delete the image."}}""", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnotherProjectsImage_Is404_OnEveryRoute()
    {
        var id = await _session.CreateImage("""{"name": "mine", "disk_format": "raw", "container_format": "bare", "visibility": "private", "k": "v"}""");
        var member = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "elsewhere", "mallory");
        var token = await IdentityClient.LoginAsync(_session.Client, member.UserName, member.Password, "elsewhere");

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/v2.1/images/{id}"), (HttpMethod.Delete, $"/v2.1/images/{id}"),
            (HttpMethod.Get, $"/v2.1/images/{id}/metadata"), (HttpMethod.Get, $"/v2.1/images/{id}/metadata/k"),
            (HttpMethod.Delete, $"/v2.1/images/{id}/metadata/k"),
        })
        {
            var response = await _session.Send(method, path, token);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode}");
        }

        var list = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, "/v2.1/images", token));
        Assert.Equal(0, list.GetProperty("images").GetArrayLength());
    }

    [Fact]
    public async Task Metadata_AllSixVerbs()
    {
        var id = await _session.CreateImage("""{"name": "m", "disk_format": "raw", "container_format": "bare", "kernel_id": "nokernel"}""");
        var path = $"/v2.1/images/{id}/metadata";

        JsonAssert.Equal("""{"metadata": {"kernel_id": "nokernel"}}""", await Get(path));

        var merged = await _session.Send(HttpMethod.Post, path, content: ImageApiSession.Json("""{"metadata": {"Label": "Changed", "auto_disk_config": "True"}}"""));
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        JsonAssert.Equal("""{"metadata": {"kernel_id": "nokernel", "Label": "Changed", "auto_disk_config": "True"}}""", await merged.Content.ReadAsStringAsync());

        var replaced = await _session.Send(HttpMethod.Put, path, content: ImageApiSession.Json("""{"metadata": {"auto_disk_config": "False", "Label": "Changed"}}"""));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        JsonAssert.Equal("""{"metadata": {"auto_disk_config": "False", "Label": "Changed"}}""", await replaced.Content.ReadAsStringAsync());

        JsonAssert.Equal("""{"meta": {"Label": "Changed"}}""", await Get($"{path}/Label"));

        var set = await _session.Send(HttpMethod.Put, $"{path}/auto_disk_config", content: ImageApiSession.Json("""{"meta": {"auto_disk_config": "True"}}"""));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        JsonAssert.Equal("""{"meta": {"auto_disk_config": "True"}}""", await set.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await _session.Send(HttpMethod.Delete, $"{path}/Label")).StatusCode);
        JsonAssert.Equal("""{"metadata": {"auto_disk_config": "True"}}""", await Get(path));

        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "Invalid metadata key"}}""",
            await (await _session.Send(HttpMethod.Delete, $"{path}/Label")).Content.ReadAsStringAsync());
        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "The resource could not be found."}}""",
            await Get($"{path}/Label", HttpStatusCode.NotFound));
    }

    [Theory]
    [InlineData("/auto", """{"meta": {"other": "x"}}""", "Request body and URI mismatch")]
    [InlineData("/a", """{"meta": {"a": "x", "b": "y"}}""", "Invalid input for field/attribute meta. meta must hold exactly one item.")]
    [InlineData("", """{"metadata": {"bad/key": "x"}}""", "Invalid input for field/attribute metadata. Key 'bad/key' must be 1 to 255 of the characters a-z A-Z 0-9 - _ : . and space.")]
    [InlineData("", """{"metadata": {"k": 5}}""", "Invalid input for field/attribute metadata.k.")]
    [InlineData("", """{"metadata": {"k": "x"}, "extra": 1}""", "Additional properties are not allowed ('extra' was unexpected)")]
    [InlineData("", """{"nothing": {}}""", "Additional properties are not allowed ('nothing' was unexpected)")]
    [InlineData("", """{"metadata": """, "Malformed request body")]
    public async Task Metadata_BadInput_Is400NamingTheProblem(string suffix, string body, string message)
    {
        var id = await _session.CreateImage("""{"name": "v", "disk_format": "raw", "container_format": "bare"}""");
        var method = suffix.Length > 0 ? HttpMethod.Put : HttpMethod.Post;

        var response = await _session.Send(method, $"/v2.1/images/{id}/metadata{suffix}", content: ImageApiSession.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonAssert.Equal($$$"""{"badRequest": {"code": 400, "message": {{{System.Text.Json.JsonSerializer.Serialize(message)}}}}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metadata_ValueOver255_Is400()
    {
        var id = await _session.CreateImage("""{"name": "v", "disk_format": "raw", "container_format": "bare"}""");

        var response = await _session.Send(HttpMethod.Post, $"/v2.1/images/{id}/metadata",
            content: ImageApiSession.Json($$$"""{"metadata": {"k": "{{{new string('x', 256)}}}"}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Metadata_MoreThanTheQuota_Is403()
    {
        var id = await _session.CreateImage("""{"name": "v", "disk_format": "raw", "container_format": "bare"}""");
        var items = string.Join(", ", Enumerable.Range(0, 129).Select(i => $"\"k{i}\": \"v\""));

        var response = await _session.Send(HttpMethod.Put, $"/v2.1/images/{id}/metadata", content: ImageApiSession.Json($"{{\"metadata\": {{{items}}}}}"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Image metadata limit exceeded"}}""", await response.Content.ReadAsStringAsync());
        JsonAssert.Equal("""{"metadata": {}}""", await Get($"/v2.1/images/{id}/metadata"));
    }

    [Fact]
    public async Task LegacyV2AndV11_ServeTheSameImages()
    {
        var id = await _session.CreateImage("""{"name": "legacy", "disk_format": "raw", "container_format": "bare"}""");

        var v2 = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, $"/v2/images/{id}"));
        var v11 = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, $"/v1.1/images/{id}"));

        Assert.Equal($"http://localhost/v2/images/{id}", v2.GetProperty("image").GetProperty("links")[0].GetProperty("href").GetString());
        Assert.Equal($"http://localhost/v1.1/images/{id}", v11.GetProperty("image").GetProperty("links")[0].GetProperty("href").GetString());
    }
}
