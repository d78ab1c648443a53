using System.Net;
using System.Text.Json;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;

namespace Appliance.Tests.Servers;

/// <summary>GET /servers, /servers/detail and /servers/{id}: views, filters, paging and project isolation.</summary>
public sealed class ServerListApiTests : IAsyncLifetime
{
    private readonly ServerApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private async Task<JsonElement> GetJson(string path, string? token = null, string? microversion = null)
    {
        var (status, body, _) = await _session.Send(HttpMethod.Get, path, token: token, microversion: microversion);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string[] Names(JsonElement list) =>
        list.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToArray();

    [Fact]
    public async Task Show_GivesNovasFullView()
    {
        var id = await _session.CreateServerAsync("show-me", """, "metadata": {"role": "web"}, "accessIPv4": "192.0.2.10", "OS-DCF:diskConfig": "AUTO" """);
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);

        var server = (await GetJson($"/v2.1/servers/{id}")).GetProperty("server");

        var expectedKeys = new[]
        {
            "id", "name", "status", "tenant_id", "user_id", "metadata", "hostId", "image", "flavor", "created", "updated", "addresses",
            "accessIPv4", "accessIPv6", "links", "OS-DCF:diskConfig", "OS-EXT-AZ:availability_zone", "config_drive", "key_name",
            "OS-SRV-USG:launched_at", "OS-SRV-USG:terminated_at", "security_groups", "OS-EXT-STS:task_state", "OS-EXT-STS:vm_state",
            "OS-EXT-STS:power_state", "os-extended-volumes:volumes_attached", "progress",
        };
        Assert.Equal(expectedKeys.Order(), server.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(("show-me", "ACTIVE", _session.Member.ProjectId, _session.Member.UserId),
            (server.GetProperty("name").GetString(), server.GetProperty("status").GetString(), server.GetProperty("tenant_id").GetString(), server.GetProperty("user_id").GetString()));
        JsonAssert.Equal("""{"role": "web"}""", server.GetProperty("metadata").GetRawText());
        JsonAssert.Equal($$$"""{"id": "{{{_session.ImageId}}}", "links": [{"rel": "bookmark", "href": "http://localhost/images/{{{_session.ImageId}}}"}]}""", server.GetProperty("image").GetRawText());
        JsonAssert.Equal("""{"id": "42", "links": [{"rel": "bookmark", "href": "http://localhost/flavors/42"}]}""", server.GetProperty("flavor").GetRawText());
        Assert.Equal(("192.0.2.10", "", "AUTO", "nova", "True"), (server.GetProperty("accessIPv4").GetString(), server.GetProperty("accessIPv6").GetString(),
            server.GetProperty("OS-DCF:diskConfig").GetString(), server.GetProperty("OS-EXT-AZ:availability_zone").GetString(), server.GetProperty("config_drive").GetString()));
        Assert.Equal(("active", 1, 0), (server.GetProperty("OS-EXT-STS:vm_state").GetString(), server.GetProperty("OS-EXT-STS:power_state").GetInt32(), server.GetProperty("progress").GetInt32()));
        Assert.Equal(JsonValueKind.Null, server.GetProperty("OS-EXT-STS:task_state").ValueKind);
        Assert.Matches("^[0-9a-f]{56}$", server.GetProperty("hostId").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", server.GetProperty("created").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$", server.GetProperty("OS-SRV-USG:launched_at").GetString());
        JsonAssert.Equal("""[{"name": "default"}]""", server.GetProperty("security_groups").GetRawText());
    }

    [Fact]
    public async Task Show_ForAdminsAtLaterMicroversions_AddsExtendedAttributesLockedDescriptionTagsAndEmbeddedFlavor()
    {
        var id = await _session.CreateServerAsync("described");
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);

        var old = (await GetJson($"/v2.1/servers/{id}", _session.AdminToken)).GetProperty("server");
        Assert.Equal("instance-" + id, old.GetProperty("OS-EXT-SRV-ATTR:instance_name").GetString());
        Assert.False(old.TryGetProperty("OS-EXT-SRV-ATTR:reservation_id", out _));
        Assert.False(old.TryGetProperty("locked", out _));

        var member = (await GetJson($"/v2.1/servers/{id}")).GetProperty("server");
        Assert.False(member.TryGetProperty("OS-EXT-SRV-ATTR:host", out _));
    }

    [Fact]
    public async Task List_PagesWithLimitAndMarker_AndLinksTheNextPage()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _session.CreateServerAsync($"page-{i}"));
        }

        var first = await GetJson("/v2.1/servers?limit=2");
        Assert.Equal(["page-4", "page-3"], Names(first));
        var next = first.GetProperty("servers_links")[0];
        Assert.Equal("next", next.GetProperty("rel").GetString());
        Assert.Equal($"http://localhost/v2.1/servers?limit=2&marker={ids[3]}", next.GetProperty("href").GetString());

        var second = await GetJson($"/v2.1/servers?limit=2&marker={ids[3]}");
        Assert.Equal(["page-2", "page-1"], Names(second));
        var last = await GetJson($"/v2.1/servers/detail?limit=2&marker={ids[1]}");
        Assert.Equal(["page-0"], Names(last));
        Assert.False(last.TryGetProperty("servers_links", out _));

        var sorted = await GetJson("/v2.1/servers?sort_key=display_name&sort_dir=asc");
        Assert.Equal(["page-0", "page-1", "page-2", "page-3", "page-4"], Names(sorted));

        var (status, body, _) = await _session.Send(HttpMethod.Get, "/v2.1/servers?marker=6f1c5c9e-6e0c-4bd6-8a67-3a9b6b0c0a11");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal("""{"badRequest": {"code": 400, "message": "marker [6f1c5c9e-6e0c-4bd6-8a67-3a9b6b0c0a11] not found"}}""", body);
        (status, body, _) = await _session.Send(HttpMethod.Get, "/v2.1/servers?limit=-1");
        JsonAssert.Equal("""{"badRequest": {"code": 400, "message": "limit param must be positive"}}""", body);
        (status, body, _) = await _session.Send(HttpMethod.Get, "/v2.1/servers?sort_key=colour");
        JsonAssert.Equal("""{"badRequest": {"code": 400, "message": "Invalid input for query parameters sort_key. Value: colour. 'colour' is not a valid sort key"}}""", body);
    }

    [Fact]
    public async Task Filters_NameRegexStatusImageFlavorAndChangesSinceWithDeletedServers()
    {
        var web1 = await _session.CreateServerAsync("web-1");
        var web2 = await _session.CreateServerAsync("web-2");
        var db = await _session.CreateServerAsync("db-1");
        foreach (var id in new[] { web1, web2, db })
        {
            await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        }

        Assert.Equal(["web-2", "web-1"], Names(await GetJson("/v2.1/servers?name=^web-[0-9]$")));
        Assert.Equal(["db-1"], Names(await GetJson("/v2.1/servers?name=db")));
        Assert.Equal(3, Names(await GetJson("/v2.1/servers?status=ACTIVE")).Length);
        Assert.Empty(Names(await GetJson("/v2.1/servers?status=SHUTOFF")));
        Assert.Empty(Names(await GetJson("/v2.1/servers?status=BOGUS")));
        Assert.Equal(3, Names(await GetJson($"/v2.1/servers?image={_session.ImageId}")).Length);
        Assert.Equal(3, Names(await GetJson("/v2.1/servers?flavor=42")).Length);
        Assert.Empty(Names(await GetJson("/v2.1/servers?flavor=1")));
        var (status, body, _) = await _session.Send(HttpMethod.Get, "/v2.1/servers?name=(");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal("""{"badRequest": {"code": 400, "message": "Invalid input for query parameters name. Value: (. '(' is not a valid regular expression"}}""", body);

        var before = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        Assert.Equal(HttpStatusCode.NoContent, (await _session.Send(HttpMethod.Delete, $"/v2.1/servers/{db}")).Status);
        await _session.Runner.WhenIdleAsync();

        Assert.Equal(["web-2", "web-1"], Names(await GetJson("/v2.1/servers")));
        var changed = (await GetJson($"/v2.1/servers/detail?changes-since={before}")).GetProperty("servers").EnumerateArray().ToList();
        var deleted = Assert.Single(changed, s => s.GetProperty("id").GetString() == db);
        Assert.Equal(("DELETED", "deleted"), (deleted.GetProperty("status").GetString(), deleted.GetProperty("OS-EXT-STS:vm_state").GetString()));
        (status, body, _) = await _session.Send(HttpMethod.Get, "/v2.1/servers?changes-since=yesterday");
        JsonAssert.Equal("""{"badRequest": {"code": 400, "message": "Invalid input for query parameters changes-since. Value: yesterday. 'yesterday' is not a 'date-time'"}}""", body);
    }

    [Fact]
    public async Task AnotherProjectsServer_IsNotFound_AndNeverListed_ButAdminsSeeAllTenants()
    {
        var mine = await _session.CreateServerAsync("mine");
        var other = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "other-project", "other-user");
        var otherToken = await IdentityClient.LoginAsync(_session.Client, other.UserName, other.Password, "other-project");

        foreach (var (method, json) in new[] { (HttpMethod.Get, (string?)null), (HttpMethod.Put, """{"server": {"name": "stolen"}}"""), (HttpMethod.Delete, null) })
        {
            var (status, body, _) = await _session.Send(method, $"/v2.1/servers/{mine}", json, otherToken);
            Assert.Equal(HttpStatusCode.NotFound, status);
            JsonAssert.Equal($$$"""{"itemNotFound": {"code": 404, "message": "Instance {{{mine}}} could not be found."}}""", body);
        }

        Assert.Empty(Names(await GetJson("/v2.1/servers", otherToken)));
        Assert.Empty(Names(await GetJson("/v2.1/servers?project_id=" + _session.Member.ProjectId, otherToken)));
        var (forbidden, message, _) = await _session.Send(HttpMethod.Get, "/v2.1/servers?all_tenants=1", token: otherToken);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed."}}""", message);

        Assert.Empty(Names(await GetJson("/v2.1/servers", _session.AdminToken)));
        Assert.Equal(["mine"], Names(await GetJson("/v2.1/servers?all_tenants=1", _session.AdminToken)));
        Assert.Equal(HttpStatusCode.OK, (await _session.Send(HttpMethod.Get, $"/v2.1/servers/{mine}", token: _session.AdminToken)).Status);
    }

    [Fact]
    public async Task Update_ChangesNameAndAccessIps_AndRefusesDescriptionBefore219()
    {
        var id = await _session.CreateServerAsync("before");

        var (status, body, _) = await _session.Send(HttpMethod.Put, $"/v2.1/servers/{id}", """{"server": {"name": "after", "accessIPv6": "2001:db8::1"}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var server = JsonDocument.Parse(body).RootElement.GetProperty("server");
        Assert.Equal(("after", "2001:db8::1"), (server.GetProperty("name").GetString(), server.GetProperty("accessIPv6").GetString()));
        (status, body, _) = await _session.Send(HttpMethod.Put, $"/v2.1/servers/{id}", """{"server": {"description": "no"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal("""{"badRequest": {"code": 400, "message": "Additional properties are not allowed ('description' was unexpected)"}}""", body);
        (status, body, _) = await _session.Send(HttpMethod.Get, "/v2.1/servers/not-a-uuid");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "Instance not-a-uuid could not be found."}}""", body);
    }

    [Fact]
    public async Task LegacyV2_ServesTheSameServers()
    {
        var id = await _session.CreateServerAsync("legacy");
        var server = (await GetJson($"/v2/servers/{id}")).GetProperty("server");
        Assert.Equal($"http://localhost/v2/servers/{id}", server.GetProperty("links")[0].GetProperty("href").GetString());
        Assert.Equal(["legacy"], Names(await GetJson("/v1.1/servers")));
    }
}
