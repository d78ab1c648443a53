using System.Net;
using System.Text;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;

namespace Appliance.Tests.Security;

/// <summary>One test per bug the fuzzer and the leak scans found, each the smallest request that showed it.</summary>
[Trait("Tier", "security")]
public sealed class FuzzRegressionTests : IDisposable
{
    private readonly ApplianceFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task IdentityRequestOverTheBodyLimit_AnswersKeystones413_NotANovaFault()
    {
        var client = _factory.CreateClient();
        var body = new StringContent("{\"x\": \"" + new string('a', 120 * 1024) + "\"}", Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/identity/v3/auth/tokens", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(ErrorBodies.Problem(ApiService.Identity, 413, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("PUT", "/v2.1/os-quota-sets/{project}", "application/json", """{"x": 1, "x": 2, "quota_set": {"instances": 10}}""")]
    [InlineData("POST", "/v2.1/flavors/42/action", "application/json", """{"addTenantAccess": {"tenant": "a"}, "addTenantAccess": {"tenant": "b"}}""")]
    [InlineData("POST", "/v2.1/os-keypairs", "application/json", """{"keypair": {"name": "k"}, "keypair": {"name": "k2"}}""")]
    [InlineData("POST", "/v2.1/servers", "application/json", """{"server": {"name": "a", "name": "b", "imageRef": "x", "flavorRef": "42"}}""")]
    [InlineData("POST", "/image/v2/images", "application/json", """{"name": "a", "name": "b", "disk_format": "qcow2", "container_format": "bare"}""")]
    [InlineData("PATCH", "/image/v2/images/{image}", "application/openstack-images-v2.1-json-patch", """[{"op": "replace", "op": "add", "path": "/name", "value": "x"}]""")]
    [InlineData("POST", "/identity/v3/projects", "application/json", """{"project": {"name": "p", "name": "q"}}""")]
    public async Task BodyNamingAMemberTwice_IsRefusedWith400_NotA500(string method, string path, string contentType, string json)
    {
        var client = _factory.CreateClient();
        var token = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var project = (await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get, "/identity/v3/auth/tokens", token).WithSubjectToken(token), HttpStatusCode.OK))
            .GetProperty("token").GetProperty("project").GetProperty("id").GetString()!;
        var image = (await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Post, "/image/v2/images", token,
            """{"name": "dup", "disk_format": "qcow2", "container_format": "bare"}"""), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var request = IdentityClient.WithToken(new HttpMethod(method), path.Replace("{project}", project, StringComparison.Ordinal).Replace("{image}", image, StringComparison.Ordinal), token);
        request.Content = new StringContent(json, Encoding.UTF8);
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        Assert.Null(ErrorBodies.Problem(ApiRoute.ServiceOf(path), 400, response.Content.Headers.ContentType?.ToString(), body));
    }
}
