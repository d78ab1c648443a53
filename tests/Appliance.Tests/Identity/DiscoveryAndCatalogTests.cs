using System.Net;
using System.Text.Json;
using Appliance.Core.Configuration;
using Appliance.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Identity;

/// <summary>Keystone version discovery, as keystoneauth reads it, and the catalog's URLs.</summary>
public sealed class DiscoveryAndCatalogTests : IDisposable
{
    private readonly ApplianceFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("/identity")]
    [InlineData("/identity/")]
    public async Task GetIdentityRoot_Returns300WithTheV3Version(string path)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Host = "10.1.2.3:8774";

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.MultipleChoices, response.StatusCode);
        Assert.Equal("http://10.1.2.3:8774/identity/v3/", response.Headers.Location?.ToString());
        JsonAssert.Equal("""
            {"versions": {"values": [{"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
              "links": [{"rel": "self", "href": "http://10.1.2.3:8774/identity/v3/"}],
              "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]}]}}
            """, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetIdentityV3_ReturnsTheVersionDocument()
    {
        var response = await _factory.CreateClient().GetAsync("/identity/v3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonAssert.Equal("""
            {"version": {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
              "links": [{"rel": "self", "href": "http://localhost/identity/v3/"}],
              "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]}}
            """, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Catalog_UsesTheCallersSchemeAndHost()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Host = "edge-7.example:8774";

        var catalog = await CatalogAsync(client, _factory.DataDir);

        Assert.Equal(Expected("http://edge-7.example:8774"), catalog);
    }

    [Fact]
    public async Task Catalog_UsesTheConfiguredPublicUrl()
    {
        using var configured = _factory.WithWebHostBuilder(web => web.ConfigureServices(services =>
            ((ApplianceOptions)services.Single(service => service.ServiceType == typeof(ApplianceOptions)).ImplementationInstance!).PublicUrl = "https://cloud.example.org/"));
        var client = configured.CreateClient();

        var catalog = await CatalogAsync(client, _factory.DataDir);

        Assert.Equal(Expected("https://cloud.example.org"), catalog);
    }

    [Fact]
    public async Task AuthCatalog_ListsTheSameServices()
    {
        var client = _factory.CreateClient();
        var token = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);

        var body = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get, "/identity/v3/auth/catalog", token), HttpStatusCode.OK);

        Assert.Equal(Expected("http://localhost"), Flatten(body.GetProperty("catalog")));
        Assert.Equal("http://localhost/identity/v3/auth/catalog", body.GetProperty("links").GetProperty("self").GetString());
    }

    private static string[] Expected(string baseUrl) =>
    [
        .. new[] { ("compute", "nova", "/v2.1"), ("image", "glance", "/image"), ("network", "neutron", "/network"), ("identity", "keystone", "/identity") }
            .SelectMany(service => new[] { "public", "internal", "admin" }
                .Select(face => $"{service.Item1} {service.Item2} {face} RegionOne {baseUrl}{service.Item3}")),
    ];

    private static async Task<string[]> CatalogAsync(HttpClient client, string dataDir)
    {
        var response = await IdentityClient.PostTokenAsync(client, IdentityClient.PasswordAuthBody("admin", IdentityClient.AdminPassword(dataDir), "admin"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Flatten((await IdentityClient.ReadJsonAsync(response)).GetProperty("token").GetProperty("catalog"));
    }

    private static string[] Flatten(JsonElement catalog) =>
    [
        .. catalog.EnumerateArray().SelectMany(service => service.GetProperty("endpoints").EnumerateArray().Select(endpoint =>
            $"{service.GetProperty("type").GetString()} {service.GetProperty("name").GetString()} {endpoint.GetProperty("interface").GetString()} " +
            $"{endpoint.GetProperty("region_id").GetString()} {endpoint.GetProperty("url").GetString()}")),
    ];
}
