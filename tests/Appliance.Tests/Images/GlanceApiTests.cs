using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Images;

public sealed class GlanceApiTests : IAsyncLifetime
{
    private readonly ImageApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private async Task<string> AdminProjectId()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/identity/v3/auth/tokens");
        request.Headers.Add("X-Auth-Token", _session.AdminToken);
        request.Headers.Add("X-Subject-Token", _session.AdminToken);
        var body = await ImageApiSession.Body(await _session.Client.SendAsync(request));
        return body.GetProperty("token").GetProperty("project").GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Root_Returns300_WithTheV2Versions()
    {
        var response = await _session.Client.GetAsync("/image");

        Assert.Equal(HttpStatusCode.MultipleChoices, response.StatusCode);
        var versions = (await ImageApiSession.Body(response)).GetProperty("versions");
        Assert.Equal("v2.9", versions[0].GetProperty("id").GetString());
        Assert.Equal("CURRENT", versions[0].GetProperty("status").GetString());
        Assert.Equal("http://localhost/image/v2/", versions[0].GetProperty("links")[0].GetProperty("href").GetString());
    }

    [Fact]
    public async Task Versions_Returns200_WithTheSameListAsTheRoot()
    {
        var response = await _session.Client.GetAsync("/image/versions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var versions = string.Join(", ", new[] { "v2.9", "v2.8", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0" }.Select(id =>
            $$$"""{"id": "{{{id}}}", "status": "{{{(id == "v2.9" ? "CURRENT" : "SUPPORTED")}}}", "links": [{"rel": "self", "href": "http://localhost/image/v2/"}]}"""));
        var body = await response.Content.ReadAsStringAsync();
        JsonAssert.Equal($$"""{"versions": [{{versions}}]}""", body);
        Assert.Equal(body, await (await _session.Client.GetAsync("/image")).Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Routing answers a route that declares accepted media types (IAcceptsMetadata) itself: a bodiless 415 for the
    /// octet-stream upload and the json-patch PATCH, and a 413 for uploads over 112 KiB, since the large-body opt-out
    /// belongs to the endpoint routing then never picks. Each Glance handler checks its own media type instead.
    /// </summary>
    [Fact]
    public void ImageRoutes_DeclareNoAcceptedMediaTypes_AndTheUploadTakesLargeBodies()
    {
        var endpoints = _session.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith("/image", StringComparison.Ordinal) == true)
            .ToList();

        Assert.Equal(11, endpoints.Count);
        Assert.All(endpoints, endpoint => Assert.Null(endpoint.Metadata.GetMetadata<IAcceptsMetadata>()));
        var upload = Assert.Single(endpoints, endpoint => endpoint.RoutePattern.RawText!.EndsWith("/file", StringComparison.Ordinal)
            && endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Contains(HttpMethods.Put));
        Assert.NotNull(upload.Metadata.GetMetadata<LargeBodyAllowed>());
    }

    [Fact]
    public async Task UploadOverTheRequestBodyLimit_IsStreamedToTheStore()
    {
        var data = new byte[(int)BodyLimitMiddleware.MaxBodyBytes * 8];
        var id = await _session.CreateActiveImage("""{"name": "large", "disk_format": "raw", "container_format": "bare"}""", data);

        var show = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, $"/image/v2/images/{id}"));
        Assert.Equal(data.Length, show.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Create_Returns201_WithGlancesImageDocument()
    {
        var response = await _session.Send(HttpMethod.Post, "/image/v2/images", content: ImageApiSession.Json(
            """{"name": "cirros", "disk_format": "qcow2", "container_format": "bare", "min_ram": 64, "tags": ["t1"], "hw_rng_model": "virtio"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ImageApiSession.Body(response);
        var id = body.GetProperty("id").GetString()!;
        var created = body.GetProperty("created_at").GetString()!;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", created);
        JsonAssert.Equal($$$"""
            {"id": "{{{id}}}", "name": "cirros", "status": "queued", "visibility": "shared", "protected": false,
             "os_hidden": false, "checksum": null, "os_hash_algo": null, "os_hash_value": null,
             "owner": "{{{await AdminProjectId()}}}", "size": null, "virtual_size": null, "min_ram": 64, "min_disk": 0,
             "disk_format": "qcow2", "container_format": "bare", "created_at": "{{{created}}}",
             "updated_at": "{{{body.GetProperty("updated_at").GetString()}}}", "tags": ["t1"],
             "self": "/v2/images/{{{id}}}", "file": "/v2/images/{{{id}}}/file", "schema": "/v2/schemas/image",
             "hw_rng_model": "virtio"}
            """, body.GetRawText());
    }

    [Fact]
    public async Task UploadThenDownload_StoresTheBytes_WithTheirHashes()
    {
        var data = ImageApiSession.Qcow2("16M");
        var id = await _session.CreateActiveImage("""{"name": "disk", "disk_format": "qcow2", "container_format": "bare"}""", data);

        var show = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, $"/image/v2/images/{id}"));
        Assert.Equal("active", show.GetProperty("status").GetString());
        Assert.Equal(data.Length, show.GetProperty("size").GetInt64());
        Assert.Equal(16L << 20, show.GetProperty("virtual_size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), show.GetProperty("checksum").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(data)), show.GetProperty("os_hash_value").GetString());

        var download = await _session.Send(HttpMethod.Get, $"/image/v2/images/{id}/file");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(data, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), download.Content.Headers.GetValues("Content-MD5").Single());
    }

    [Fact]
    public async Task DownloadOfAQueuedImage_Returns204()
    {
        var id = await _session.CreateImage("""{"name": "empty", "disk_format": "raw", "container_format": "bare"}""");

        var response = await _session.Send(HttpMethod.Get, $"/image/v2/images/{id}/file");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task UploadOfAQcow2DeclaredRaw_Returns400_AndKillsTheImage()
    {
        var id = await _session.CreateImage("""{"name": "liar", "disk_format": "raw", "container_format": "bare"}""");

        var response = await _session.Send(HttpMethod.Put, $"/image/v2/images/{id}/file", content: ImageApiSession.Bytes(ImageApiSession.Qcow2("1M")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonAssert.Equal($$$"""{"badRequest": {"code": 400, "message": "Image {{{id}}} was refused: the data is a qcow2 image, not raw"}}""",
            await response.Content.ReadAsStringAsync());
        var show = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, $"/image/v2/images/{id}"));
        Assert.Equal("killed", show.GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(_session.Factory.DataDir, "images", id)));
    }

    [Fact]
    public async Task UploadOverTheProjectQuota_Returns413OverLimit_AsGlance()
    {
        var session = new ImageApiSession(options => options.Images.ProjectQuotaBytes = 1 << 20);
        await session.InitializeAsync();
        try
        {
            var id = await session.CreateImage("""{"name": "big", "disk_format": "raw", "container_format": "bare"}""");

            var response = await session.Send(HttpMethod.Put, $"/image/v2/images/{id}/file", content: ImageApiSession.Bytes(new byte[2 << 20]));

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.False(response.Headers.Contains("Retry-After"));
            JsonAssert.Equal("""{"overLimit": {"code": 413, "message": "Denying attempt to upload image because it exceeds the quota or the maximum image size"}}""",
                await response.Content.ReadAsStringAsync());
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    [Fact]
    public async Task UploadWithAnotherContentType_Returns415()
    {
        var id = await _session.CreateImage("""{"name": "x", "disk_format": "raw", "container_format": "bare"}""");

        var response = await _session.Send(HttpMethod.Put, $"/image/v2/images/{id}/file", content: ImageApiSession.Json("{}"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        JsonAssert.Equal("""{"badMediaType": {"code": 415, "message": "Unsupported Content-Type: use application/octet-stream"}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"name": "x", "disk_format": "floppy"}""", 400, "Invalid value for disk_format: must be one of aki, ami, ari, iso, ploop, qcow2, raw, vdi, vhd, vhdx, vmdk.")]
    [InlineData("""{"name": "x", "status": "active"}""", 403, "Attribute 'status' is read-only.")]
    [InlineData("""{"name": "x", "deleted": "true"}""", 403, "Attribute 'deleted' is reserved.")]
    [InlineData("""{"name": "x", "min_ram": -1}""", 400, "Invalid value for min_ram: must be an integer of at least 0.")]
    [InlineData("""{"name": "x", "protected": "yes"}""", 400, "Invalid value for protected: must be a boolean.")]
    [InlineData("""{"name": "x", "colour": 5}""", 400, "Provided object does not match schema 'image': property colour must be a string.")]
    [InlineData("""[1, 2]""", 400, "Body must be a JSON object describing the image.")]
    [InlineData("""{"name": """, 400, "Malformed request body")]
    public async Task CreateWithBadInput_IsRefusedWithAFault(string json, int code, string message)
    {
        var response = await _session.Send(HttpMethod.Post, "/image/v2/images", content: ImageApiSession.Json(json));

        Assert.Equal(code, (int)response.StatusCode);
        var body = await ImageApiSession.Body(response);
        var fault = body.EnumerateObject().Single().Value;
        Assert.Equal(code, fault.GetProperty("code").GetInt32());
        Assert.Equal(message, fault.GetProperty("message").GetString());
    }

    [Fact]
    public async Task CreatePublicImage_AsMember_Returns403()
    {
        var member = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "p1", "u1");
        var token = await IdentityClient.LoginAsync(_session.Client, member.UserName, member.Password, "p1");

        var response = await _session.Send(HttpMethod.Post, "/image/v2/images", token, ImageApiSession.Json("""{"name": "x", "visibility": "public"}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Patch_ReplacesAddsAndRemoves_AndRefusesReadOnlyAttributes()
    {
        var id = await _session.CreateImage("""{"name": "old", "disk_format": "raw", "container_format": "bare", "os_distro": "debian"}""");
        const string patchType = "application/openstack-images-v2.1-json-patch";

        var response = await _session.Send(HttpMethod.Patch, $"/image/v2/images/{id}", content: ImageApiSession.Json("""
            [{"op": "replace", "path": "/name", "value": "new"},
             {"op": "add", "path": "/foo", "value": "bar"},
             {"op": "remove", "path": "/os_distro"}]
            """, patchType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ImageApiSession.Body(response);
        Assert.Equal("new", body.GetProperty("name").GetString());
        Assert.Equal("bar", body.GetProperty("foo").GetString());
        Assert.False(body.TryGetProperty("os_distro", out _));

        var readOnly = await _session.Send(HttpMethod.Patch, $"/image/v2/images/{id}", content: ImageApiSession.Json(
            """[{"op": "replace", "path": "/size", "value": 5}]""", patchType));
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);

        var missing = await _session.Send(HttpMethod.Patch, $"/image/v2/images/{id}", content: ImageApiSession.Json(
            """[{"op": "remove", "path": "/nothing"}]""", patchType));
        Assert.Equal(HttpStatusCode.Conflict, missing.StatusCode);

        var wrongType = await _session.Send(HttpMethod.Patch, $"/image/v2/images/{id}", content: ImageApiSession.Json("""[]"""));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        JsonAssert.Equal("""{"badMediaType": {"code": 415, "message": "Unsupported Content-Type: use application/openstack-images-v2.1-json-patch"}}""",
            await wrongType.Content.ReadAsStringAsync());

        var legacy = await _session.Send(HttpMethod.Patch, $"/image/v2/images/{id}", content: ImageApiSession.Json(
            """[{"op": "replace", "path": "/name", "value": "older"}]""", "application/openstack-images-v2.0-json-patch"));
        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
        Assert.Equal("older", (await ImageApiSession.Body(legacy)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task List_FiltersAndPages_WithANextLink()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _session.CreateImage($$$"""{"name": "img{{{i}}}", "disk_format": "raw", "container_format": "bare", "tags": ["{{{(i % 2 == 0 ? "even" : "odd")}}}"]}"""));
        }

        var byName = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, "/image/v2/images?name=img3"));
        Assert.Equal(ids[3], byName.GetProperty("images").EnumerateArray().Single().GetProperty("id").GetString());

        var byTag = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, "/image/v2/images?tag=even&sort=name:asc"));
        Assert.Equal(["img0", "img2", "img4"], byTag.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("name").GetString()));

        var byIds = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, $"/image/v2/images?id=in:{ids[1]},{ids[2]}"));
        Assert.Equal(2, byIds.GetProperty("images").GetArrayLength());

        var first = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, "/image/v2/images?limit=2&sort_key=name&sort_dir=asc"));
        Assert.Equal(["img0", "img1"], first.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        var next = first.GetProperty("next").GetString()!;
        Assert.Equal($"/v2/images?limit=2&sort_key=name&sort_dir=asc&marker={ids[1]}", next);

        var second = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, "/image" + next));
        Assert.Equal(["img2", "img3"], second.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("name").GetString()));

        var bad = await _session.Send(HttpMethod.Get, "/image/v2/images?limit=abc");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var badSort = await _session.Send(HttpMethod.Get, "/image/v2/images?sort_key=password");
        Assert.Equal(HttpStatusCode.BadRequest, badSort.StatusCode);
    }

    [Fact]
    public async Task Tags_AddAndRemove()
    {
        var id = await _session.CreateImage("""{"name": "t", "disk_format": "raw", "container_format": "bare"}""");

        Assert.Equal(HttpStatusCode.NoContent, (await _session.Send(HttpMethod.Put, $"/image/v2/images/{id}/tags/web")).StatusCode);
        Assert.Equal(["web"], (await ImageApiSession.Body(await _session.Send(HttpMethod.Get, $"/image/v2/images/{id}"))).GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(HttpStatusCode.NoContent, (await _session.Send(HttpMethod.Delete, $"/image/v2/images/{id}/tags/web")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _session.Send(HttpMethod.Delete, $"/image/v2/images/{id}/tags/web")).StatusCode);
    }

    [Fact]
    public async Task Delete_RefusesProtectedImages_AndRemovesOthersWithTheirBytes()
    {
        var guarded = await _session.CreateImage("""{"name": "keep", "disk_format": "raw", "container_format": "bare", "protected": true}""");
        var refused = await _session.Send(HttpMethod.Delete, $"/image/v2/images/{guarded}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        JsonAssert.Equal($$$"""{"forbidden": {"code": 403, "message": "Image {{{guarded}}} is protected and cannot be deleted."}}""", await refused.Content.ReadAsStringAsync());

        var id = await _session.CreateActiveImage("""{"name": "drop", "disk_format": "raw", "container_format": "bare"}""", new byte[4096]);
        Assert.True(File.Exists(Path.Combine(_session.Factory.DataDir, "images", id)));
        Assert.Equal(HttpStatusCode.NoContent, (await _session.Send(HttpMethod.Delete, $"/image/v2/images/{id}")).StatusCode);

        var gone = await _session.Send(HttpMethod.Get, $"/image/v2/images/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        JsonAssert.Equal($$$"""{"itemNotFound": {"code": 404, "message": "No image found with ID {{{id}}}"}}""", await gone.Content.ReadAsStringAsync());
        Assert.False(File.Exists(Path.Combine(_session.Factory.DataDir, "images", id)));
    }

    [Fact]
    public async Task AnotherProjectsPrivateImage_IsNotFound_AndNotListed()
    {
        var id = await _session.CreateImage("""{"name": "secret", "disk_format": "raw", "container_format": "bare", "visibility": "private"}""");
        var member = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "other", "eve");
        var token = await IdentityClient.LoginAsync(_session.Client, member.UserName, member.Password, "other");

        Assert.Equal(HttpStatusCode.NotFound, (await _session.Send(HttpMethod.Get, $"/image/v2/images/{id}", token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _session.Send(HttpMethod.Delete, $"/image/v2/images/{id}", token)).StatusCode);
        var list = await ImageApiSession.Body(await _session.Send(HttpMethod.Get, "/image/v2/images", token));
        Assert.Equal(0, list.GetProperty("images").GetArrayLength());
    }

    [Fact]
    public async Task PublicImage_IsVisibleToOtherProjects_ButNotChangeable()
    {
        var id = await _session.CreateImage("""{"name": "shared-base", "disk_format": "raw", "container_format": "bare", "visibility": "public"}""");
        var member = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "tenant", "bob");
        var token = await IdentityClient.LoginAsync(_session.Client, member.UserName, member.Password, "tenant");

        Assert.Equal(HttpStatusCode.OK, (await _session.Send(HttpMethod.Get, $"/image/v2/images/{id}", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _session.Send(HttpMethod.Delete, $"/image/v2/images/{id}", token)).StatusCode);
    }
}
