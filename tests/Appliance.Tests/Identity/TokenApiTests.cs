using System.Net;
using System.Text.Json.Nodes;
using Appliance.Core.Configuration;
using Appliance.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Identity;

/// <summary>POST/GET/HEAD/DELETE /identity/v3/auth/tokens against the real pipeline and store, on a hand-moved clock.</summary>
public sealed class TokenApiTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ApplianceFactory _appliance = new();
    private readonly ManualClock _clock = new(Start);
    private readonly WebApplicationFactory<Program> _factory;

    public TokenApiTests() =>
        _factory = _appliance.WithWebHostBuilder(web => web.ConfigureServices(services => services.AddSingleton<TimeProvider>(_clock)));

    public void Dispose()
    {
        _factory.Dispose();
        _appliance.Dispose();
    }

    private HttpClient Client()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Host = "cloud.example:8774";
        return client;
    }

    [Fact]
    public async Task IssueToken_AsAdmin_Returns201WithSubjectTokenAndKeystoneBody()
    {
        var client = Client();
        var response = await IdentityClient.PostTokenAsync(client, IdentityClient.PasswordAuthBody("admin", IdentityClient.AdminPassword(_appliance.DataDir), "admin"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var secret = response.Headers.GetValues("X-Subject-Token").Single();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", secret); // 256 bits, base64url
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var token = body["token"]!;
        var userId = token["user"]!["id"]!.GetValue<string>();
        var projectId = token["project"]!["id"]!.GetValue<string>();
        var auditId = token["audit_ids"]![0]!.GetValue<string>();
        var adminToken = secret;
        var roleIds = new Dictionary<string, string>();
        foreach (var name in new[] { "admin", "member", "reader" })
        {
            roleIds[name] = await IdentityClient.RoleIdAsync(client, adminToken, name);
        }

        token.AsObject().Remove("catalog", out var catalog);
        JsonAssert.Equal($$$"""
            {"token": {
              "methods": ["password"],
              "user": {"domain": {"id": "default", "name": "Default"}, "id": "{{{userId}}}", "name": "admin", "password_expires_at": null},
              "audit_ids": ["{{{auditId}}}"],
              "expires_at": "2026-03-01T13:00:00.000000Z",
              "issued_at": "2026-03-01T12:00:00.000000Z",
              "project": {"domain": {"id": "default", "name": "Default"}, "id": "{{{projectId}}}", "name": "admin"},
              "is_domain": false,
              "roles": [{"id": "{{{roleIds["admin"]}}}", "name": "admin"}, {"id": "{{{roleIds["member"]}}}", "name": "member"}, {"id": "{{{roleIds["reader"]}}}", "name": "reader"}]
            }}
            """, body.ToJsonString());
        Assert.Equal(4, catalog!.AsArray().Count);
    }

    [Fact]
    public async Task IssueToken_Unscoped_HasNoProjectRolesOrCatalog()
    {
        var response = await IdentityClient.PostTokenAsync(Client(), IdentityClient.PasswordAuthBody("admin", IdentityClient.AdminPassword(_appliance.DataDir), null));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var token = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!.AsObject();
        Assert.Equal(["audit_ids", "expires_at", "issued_at", "methods", "user"], token.Select(pair => pair.Key).Order().ToArray());
    }

    [Fact]
    public async Task WrongPassword_AndUnknownUser_GetTheSame401Body()
    {
        var client = Client();
        var wrongPassword = await IdentityClient.PostTokenAsync(client, IdentityClient.PasswordAuthBody("admin", "not-the-password", "admin"));
        var unknownUser = await IdentityClient.PostTokenAsync(client, IdentityClient.PasswordAuthBody("nobody", "not-the-password", "admin"));
        var unknownProject = await IdentityClient.PostTokenAsync(client, IdentityClient.PasswordAuthBody("admin", IdentityClient.AdminPassword(_appliance.DataDir), "nowhere"));

        const string expected = """{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}""";
        foreach (var response in new[] { wrongPassword, unknownUser, unknownProject })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            JsonAssert.Equal(expected, await response.Content.ReadAsStringAsync());
            Assert.Equal("Keystone uri=\"http://cloud.example:8774/identity\"", response.Headers.WwwAuthenticate.ToString());
            Assert.False(response.Headers.Contains("X-Subject-Token"));
        }

        var failures = _appliance.Logs.Entries.Where(entry => entry.Message.StartsWith("Authorization failed.", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, failures.Count);
        Assert.All(failures, entry => Assert.DoesNotContain("not-the-password", entry.Message));
    }

    [Fact]
    public async Task AuthProjects_ListsTheProjectsTheCallerHasARoleOn()
    {
        var client = Client();
        var admin = await IdentityClient.AdminTokenAsync(client, _appliance.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "solo", "soloist");
        await IdentityClient.CreateMemberAsync(client, admin, "other", "stranger");
        var token = await IdentityClient.LoginAsync(client, member.UserName, member.Password, project: null);

        var mine = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get, "/identity/v3/auth/projects", token), HttpStatusCode.OK);
        var viaUser = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get, $"/identity/v3/users/{member.UserId}/projects", token), HttpStatusCode.OK);

        Assert.Equal([member.ProjectId], mine.GetProperty("projects").EnumerateArray().Select(project => project.GetProperty("id").GetString()!).ToArray());
        Assert.Equal("http://cloud.example:8774/identity/v3/auth/projects", mine.GetProperty("links").GetProperty("self").GetString());
        Assert.Equal([member.ProjectId], viaUser.GetProperty("projects").EnumerateArray().Select(project => project.GetProperty("id").GetString()!).ToArray());
    }

    [Fact]
    public async Task IssueToken_MalformedBody_Returns400KeystoneError()
    {
        var response = await IdentityClient.PostTokenAsync(Client(), """{"auth": {"identity": {"methods": ["password"]}, "bogus": 1}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonAssert.Equal("""{"error": {"code": 400, "title": "Bad Request", "message": "Additional properties are not allowed ('bogus' was unexpected)"}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task IssueToken_UserNameWithoutDomain_Returns400ValidationError()
    {
        var response = await IdentityClient.PostTokenAsync(Client(),
            """{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "password": "x"}}}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonAssert.Equal("""{"error": {"code": 400, "title": "Bad Request", "message": "Expecting to find domain in user. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ValidateToken_ReturnsTheSameTokenBody_AndHeadAnswers200()
    {
        var client = Client();
        var admin = await IdentityClient.AdminTokenAsync(client, _appliance.DataDir);
        var subject = await IdentityClient.AdminTokenAsync(client, _appliance.DataDir);

        var get = IdentityClient.WithToken(HttpMethod.Get, "/identity/v3/auth/tokens?nocatalog", admin);
        get.Headers.Add("X-Subject-Token", subject);
        var validated = await IdentityClient.SendJsonAsync(client, get, HttpStatusCode.OK);
        var head = IdentityClient.WithToken(HttpMethod.Head, "/identity/v3/auth/tokens", admin);
        head.Headers.Add("X-Subject-Token", subject);
        var checkedResponse = await client.SendAsync(head);

        Assert.Equal("admin", validated.GetProperty("token").GetProperty("project").GetProperty("name").GetString());
        Assert.False(validated.GetProperty("token").TryGetProperty("catalog", out _), "nocatalog leaves the catalog out");
        Assert.Equal(HttpStatusCode.OK, checkedResponse.StatusCode);
        Assert.Equal(subject, checkedResponse.Headers.GetValues("X-Subject-Token").Single());
    }

    [Fact]
    public async Task ValidateToken_WithoutAuthToken_Returns401()
    {
        var client = Client();
        var subject = await IdentityClient.AdminTokenAsync(client, _appliance.DataDir);
        var request = new HttpRequestMessage(HttpMethod.Get, "/identity/v3/auth/tokens");
        request.Headers.Add("X-Subject-Token", subject);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        JsonAssert.Equal("""{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RevokeToken_TakesEffectAtOnce()
    {
        var client = Client();
        var admin = await IdentityClient.AdminTokenAsync(client, _appliance.DataDir);
        var victim = await IdentityClient.AdminTokenAsync(client, _appliance.DataDir);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", victim))).StatusCode);

        var revoke = IdentityClient.WithToken(HttpMethod.Delete, "/identity/v3/auth/tokens", admin);
        revoke.Headers.Add("X-Subject-Token", victim);
        var revoked = await client.SendAsync(revoke);
        var validate = IdentityClient.WithToken(HttpMethod.Get, "/identity/v3/auth/tokens", admin);
        validate.Headers.Add("X-Subject-Token", victim);
        var validated = await client.SendAsync(validate);
        var compute = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", victim));

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, validated.StatusCode);
        JsonAssert.Equal("""{"error": {"code": 404, "title": "Not Found", "message": "Could not find token."}}""", await validated.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, compute.StatusCode);
    }

    [Fact]
    public async Task Token_ExpiresAfterTheConfiguredHour()
    {
        var client = Client();
        var token = await IdentityClient.AdminTokenAsync(client, _appliance.DataDir);

        _clock.Advance(TimeSpan.FromMinutes(59));
        var beforeExpiry = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", token));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var atExpiry = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", token));

        Assert.Equal(HttpStatusCode.OK, beforeExpiry.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, atExpiry.StatusCode);
        JsonAssert.Equal("""{"unauthorized": {"code": 401, "message": "The request you have made requires authentication."}}""",
            await atExpiry.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TokenMethod_RescopesAnUnscopedToken_WithoutOutlivingIt()
    {
        var client = Client();
        var unscoped = await IdentityClient.LoginAsync(client, "admin", IdentityClient.AdminPassword(_appliance.DataDir), project: null);
        _clock.Advance(TimeSpan.FromMinutes(10));

        var response = await IdentityClient.PostTokenAsync(client, $$$"""
            {"auth": {"identity": {"methods": ["token"], "token": {"id": "{{{unscoped}}}"}},
                      "scope": {"project": {"name": "admin", "domain": {"name": "Default"} } } } }
            """);
        var bogus = await IdentityClient.PostTokenAsync(client, """{"auth": {"identity": {"methods": ["token"], "token": {"id": "bogus"}}}}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var token = (await IdentityClient.ReadJsonAsync(response)).GetProperty("token");
        Assert.Equal(["token", "password"], token.GetProperty("methods").EnumerateArray().Select(method => method.GetString()!).ToArray());
        Assert.Equal("admin", token.GetProperty("project").GetProperty("name").GetString());
        Assert.Equal("2026-03-01T13:00:00.000000Z", token.GetProperty("expires_at").GetString());
        Assert.Equal("2026-03-01T12:10:00.000000Z", token.GetProperty("issued_at").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, bogus.StatusCode);
    }

    [Fact]
    public async Task TokenLifetime_IsTheConfiguredOne()
    {
        using var shortLived = _factory.WithWebHostBuilder(web => web.ConfigureServices(services =>
            ((ApplianceOptions)services.Single(service => service.ServiceType == typeof(ApplianceOptions)).ImplementationInstance!).TokenLifetime = TimeSpan.FromMinutes(5)));
        var client = shortLived.CreateClient();

        var response = await IdentityClient.PostTokenAsync(client, IdentityClient.PasswordAuthBody("admin", IdentityClient.AdminPassword(_appliance.DataDir), "admin"));
        var token = (await IdentityClient.ReadJsonAsync(response)).GetProperty("token");
        _clock.Advance(TimeSpan.FromMinutes(5));
        var afterFive = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", response.Headers.GetValues("X-Subject-Token").Single()));

        Assert.Equal("2026-03-01T12:05:00.000000Z", token.GetProperty("expires_at").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, afterFive.StatusCode);
    }

    [Fact]
    public async Task Member_CannotValidateSomeoneElsesToken_ButCanRevokeTheirOwn()
    {
        var client = Client();
        var admin = await IdentityClient.AdminTokenAsync(client, _appliance.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "p1", "m1");
        var memberToken = await IdentityClient.LoginAsync(client, member.UserName, member.Password, "p1");

        var peek = IdentityClient.WithToken(HttpMethod.Get, "/identity/v3/auth/tokens", memberToken);
        peek.Headers.Add("X-Subject-Token", admin);
        var peeked = await client.SendAsync(peek);
        var own = IdentityClient.WithToken(HttpMethod.Delete, "/identity/v3/auth/tokens", memberToken);
        own.Headers.Add("X-Subject-Token", memberToken);
        var revokedOwn = await client.SendAsync(own);

        Assert.Equal(HttpStatusCode.Forbidden, peeked.StatusCode);
        JsonAssert.Equal("""{"error": {"code": 403, "title": "Forbidden", "message": "You are not authorized to perform the requested action: identity:validate_token."}}""",
            await peeked.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, revokedOwn.StatusCode);
    }
}
