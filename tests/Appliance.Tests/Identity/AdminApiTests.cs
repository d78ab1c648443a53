using System.Net;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Identity;

/// <summary>Keystone's admin resources: what an admin can do, what a member is refused, and the bodies both get.</summary>
public sealed class AdminApiTests : IDisposable
{
    private readonly ApplianceFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("GET", "/identity/v3/projects", "identity:list_projects")]
    [InlineData("GET", "/identity/v3/users", "identity:list_users")]
    [InlineData("GET", "/identity/v3/roles", "identity:list_roles")]
    [InlineData("GET", "/identity/v3/role_assignments", "identity:list_role_assignments")]
    [InlineData("DELETE", "/identity/v3/users/x", "identity:delete_user")]
    public async Task Member_CallingAdminApi_Gets403(string method, string path, string rule)
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "team", "worker");
        var token = await IdentityClient.LoginAsync(client, member.UserName, member.Password, "team");

        var response = await client.SendAsync(IdentityClient.WithToken(new HttpMethod(method), path, token));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        JsonAssert.Equal($$$"""{"error": {"code": 403, "title": "Forbidden", "message": "You are not authorized to perform the requested action: {{{rule}}}."}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Member_CreatingAProject_Gets403AndNothingIsCreated()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "team", "worker");
        var token = await IdentityClient.LoginAsync(client, member.UserName, member.Password, "team");

        var response = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Post, "/identity/v3/projects", token, """{"project": {"name": "sneaky"}}"""));
        var list = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get, "/identity/v3/projects?name=sneaky", admin), HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, list.GetProperty("projects").GetArrayLength());
    }

    [Fact]
    public async Task Member_ReadingAnotherProject_Gets404NotForbidden()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var mine = await IdentityClient.CreateMemberAsync(client, admin, "mine", "me");
        var theirs = await IdentityClient.CreateMemberAsync(client, admin, "theirs", "them");
        var token = await IdentityClient.LoginAsync(client, mine.UserName, mine.Password, "mine");

        var own = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, $"/identity/v3/projects/{mine.ProjectId}", token));
        var foreign = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, $"/identity/v3/projects/{theirs.ProjectId}", token));
        var foreignUser = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, $"/identity/v3/users/{theirs.UserId}", token));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        JsonAssert.Equal($$$"""{"error": {"code": 404, "title": "Not Found", "message": "Could not find project: {{{theirs.ProjectId}}}."}}""",
            await foreign.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, foreignUser.StatusCode);
    }

    [Fact]
    public async Task CreateProject_ReturnsKeystonesShape()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Host = "cloud.example";
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);

        var body = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Post, "/identity/v3/projects", admin,
            """{"project": {"name": "demo", "description": "Demo project", "enabled": true, "tags": [], "options": {}}}"""), HttpStatusCode.Created);

        var id = body.GetProperty("project").GetProperty("id").GetString();
        Assert.Matches("^[0-9a-f]{32}$", id);
        JsonAssert.Equal($$$"""
            {"project": {"id": "{{{id}}}", "name": "demo", "domain_id": "default", "description": "Demo project", "enabled": true,
              "is_domain": false, "parent_id": "default", "tags": [], "options": {},
              "links": {"self": "http://cloud.example/identity/v3/projects/{{{id}}}"} } }
            """, body.GetRawText());
    }

    [Fact]
    public async Task CreateProject_TwiceWithOneName_Returns409()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Post, "/identity/v3/projects", admin, """{"project": {"name": "twin"}}"""), HttpStatusCode.Created);

        var second = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Post, "/identity/v3/projects", admin, """{"project": {"name": "twin"}}"""));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        JsonAssert.Equal("""{"error": {"code": 409, "title": "Conflict", "message": "Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : twin."}}""",
            await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CreateUser_NeverEchoesThePassword_AndUnknownFieldsAre400()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);

        var created = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Post, "/identity/v3/users", admin,
            """{"user": {"name": "quiet", "password": "hunter2-but-longer"}}"""));
        var unknown = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Post, "/identity/v3/users", admin,
            """{"user": {"name": "loud", "favourite_colour": "red"}}"""));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.DoesNotContain("hunter2", await created.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        JsonAssert.Equal("""{"error": {"code": 400, "title": "Bad Request", "message": "Additional properties are not allowed ('favourite_colour' was unexpected)"}}""",
            await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GrantListAndRevoke_RoundTrip()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "granted", "grantee");
        var roleId = await IdentityClient.RoleIdAsync(client, admin, "member");
        var grantPath = $"/identity/v3/projects/{member.ProjectId}/users/{member.UserId}/roles/{roleId}";

        var listed = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get,
            $"/identity/v3/role_assignments?user.id={member.UserId}&include_names=True", admin), HttpStatusCode.OK);
        var head = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Head, grantPath, admin));
        var revoke = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Delete, grantPath, admin));
        var revokeAgain = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Delete, grantPath, admin));

        var assignment = listed.GetProperty("role_assignments").EnumerateArray().Single();
        JsonAssert.Equal($$$"""
            {"links": {"assignment": "http://localhost/identity/v3/projects/{{{member.ProjectId}}}/users/{{{member.UserId}}}/roles/{{{roleId}}}"},
             "role": {"id": "{{{roleId}}}", "name": "member"},
             "scope": {"project": {"id": "{{{member.ProjectId}}}", "name": "granted", "domain": {"id": "default", "name": "Default"} } },
             "user": {"id": "{{{member.UserId}}}", "name": "grantee", "domain": {"id": "default", "name": "Default"} } }
            """, assignment.GetRawText());
        Assert.Equal(HttpStatusCode.NoContent, head.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revokeAgain.StatusCode);
    }

    [Fact]
    public async Task DeleteBuiltInRole_Returns403()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var roleId = await IdentityClient.RoleIdAsync(client, admin, "admin");

        var response = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Delete, $"/identity/v3/roles/{roleId}", admin));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task DeleteUser_EndsTheirTokens()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "gone", "leaver");
        var token = await IdentityClient.LoginAsync(client, member.UserName, member.Password, "gone");

        var deleted = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Delete, $"/identity/v3/users/{member.UserId}", admin));
        var after = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", token));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task ChangingAPassword_RevokesTheUsersTokens_AndTheNewOneWorks()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "rotating", "rotator");
        var oldToken = await IdentityClient.LoginAsync(client, member.UserName, member.Password, "rotating");

        var updated = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Patch, $"/identity/v3/users/{member.UserId}", admin,
            """{"user": {"password": "a-brand-new-password"}}"""), HttpStatusCode.OK);
        var withOldToken = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", oldToken));
        var withOldPassword = await IdentityClient.PostTokenAsync(client, IdentityClient.PasswordAuthBody(member.UserName, member.Password, "rotating"));
        var newToken = await IdentityClient.LoginAsync(client, member.UserName, "a-brand-new-password", "rotating");

        Assert.Equal("rotator", updated.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, withOldToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withOldPassword.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", newToken))).StatusCode);
    }

    [Fact]
    public async Task DisablingAProject_EndsItsTokens_AndRefusesLogins()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "closing", "closer");
        var token = await IdentityClient.LoginAsync(client, member.UserName, member.Password, "closing");

        var updated = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Patch, $"/identity/v3/projects/{member.ProjectId}", admin,
            """{"project": {"enabled": false, "description": "closed"}}"""), HttpStatusCode.OK);
        var compute = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", token));
        var login = await IdentityClient.PostTokenAsync(client, IdentityClient.PasswordAuthBody(member.UserName, member.Password, "closing"));

        Assert.False(updated.GetProperty("project").GetProperty("enabled").GetBoolean());
        Assert.Equal("closed", updated.GetProperty("project").GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, compute.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task IdentityRoutes_WithoutToken_Return401KeystoneError()
    {
        var response = await _factory.CreateClient().GetAsync("/identity/v3/projects");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        JsonAssert.Equal("""{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}""",
            await response.Content.ReadAsStringAsync());
    }
}
