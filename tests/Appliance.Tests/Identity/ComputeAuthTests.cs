using System.Net;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Identity;

/// <summary>Compute routes behind the auth token middleware: who gets in, what headers count, and project ids in URLs.</summary>
public sealed class ComputeAuthTests : IDisposable
{
    private const string Unauthorized = """{"unauthorized": {"code": 401, "message": "The request you have made requires authentication."}}""";
    private const string ZoneList = """{"availabilityZoneInfo": [{"zoneName": "nova", "zoneState": {"available": true}, "hosts": null}]}""";

    private readonly ApplianceFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("/v2.1/os-availability-zone")]
    [InlineData("/v2/os-availability-zone")]
    [InlineData("/v1.1/os-availability-zone")]
    [InlineData("/v2.1/servers")]
    [InlineData("/V2.1/OS-AVAILABILITY-ZONE")]
    [InlineData("/image/v2/images")]
    public async Task NoToken_Returns401Unauthorized(string path)
    {
        var response = await _factory.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        JsonAssert.Equal(Unauthorized, await response.Content.ReadAsStringAsync());
        Assert.StartsWith("Keystone uri=\"http://localhost/identity\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task InvalidToken_Returns401Unauthorized()
    {
        var response = await _factory.CreateClient().SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", "not-a-token"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        JsonAssert.Equal(Unauthorized, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/v2.1/")]
    [InlineData("/v2/")]
    [InlineData("/v1.1")]
    [InlineData("/")]
    public async Task VersionDocuments_StayOpen(string path)
    {
        var response = await _factory.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ValidToken_ListsTheAvailabilityZone_AsNovaDoes()
    {
        var client = _factory.CreateClient();
        var token = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);

        var response = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonAssert.Equal(ZoneList, await response.Content.ReadAsStringAsync());
        Assert.Equal("compute 2.1", response.Headers.GetValues("OpenStack-API-Version").Single());
    }

    [Fact]
    public async Task UnscopedToken_Returns401OnCompute()
    {
        var client = _factory.CreateClient();
        var token = await IdentityClient.LoginAsync(client, "admin", IdentityClient.AdminPassword(_factory.DataDir), project: null);

        var response = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ForgedIdentityHeaders_WithoutToken_AreIgnored()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2.1/os-availability-zone");
        request.Headers.Add("X-Identity-Status", "Confirmed");
        request.Headers.Add("X-Roles", "admin");
        request.Headers.Add("X-User-Id", "someone");
        request.Headers.Add("X-Project-Id", "abc");

        var response = await _factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        JsonAssert.Equal(Unauthorized, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ForgedRolesHeader_DoesNotMakeAMemberAdmin()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "forgers", "forger");
        var token = await IdentityClient.LoginAsync(client, member.UserName, member.Password, "forgers");
        var request = IdentityClient.WithToken(HttpMethod.Get, "/identity/v3/projects", token);
        request.Headers.Add("X-Roles", "admin");
        request.Headers.Add("X-Is-Admin-Project", "True");
        request.Headers.Add("X-Project-Id", "whatever");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ProjectIdInUrl_MatchingTheToken_IsServed()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "urlproj", "urluser");
        var token = await IdentityClient.LoginAsync(client, member.UserName, member.Password, "urlproj");

        var response = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, $"/v2.1/{member.ProjectId}/os-availability-zone", token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonAssert.Equal(ZoneList, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ProjectIdInUrl_NotTheTokens_Returns400MalformedRequestUrl()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "mine", "me");
        var token = await IdentityClient.LoginAsync(client, member.UserName, member.Password, "mine");
        var other = new string('a', 32);

        var response = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, $"/v2/{other}/os-availability-zone", token));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonAssert.Equal($$$"""{"badRequest": {"code": 400, "message": "Malformed request URL: URL's project_id '{{{other}}}' doesn't match Context's project_id '{{{member.ProjectId}}}'"}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RemovingTheLastRole_EndsTheTokenAtOnce()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "short", "shortlived");
        var token = await IdentityClient.LoginAsync(client, member.UserName, member.Password, "short");
        var roleId = await IdentityClient.RoleIdAsync(client, admin, "member");

        var revoke = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Delete, $"/identity/v3/projects/{member.ProjectId}/users/{member.UserId}/roles/{roleId}", admin));
        var response = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone", token));

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
