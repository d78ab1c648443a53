using System.Net;
using Appliance.Tests.Hosting;
using Appliance.Web.Microversions;

namespace Appliance.Tests.Api;

public sealed class VersionsApiTests : IDisposable
{
    private readonly ApplianceFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private HttpClient ClientFor(string host)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Host = host;
        return client;
    }

    [Fact]
    public async Task GetRoot_ListsV2AndV21_WithLinksOnTheCallersHost()
    {
        var response = await ClientFor("cloud.example:8774").GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonAssert.Equal($$$"""
            {"versions": [
              {"id": "v2.0", "links": [{"href": "http://cloud.example:8774/v2/", "rel": "self"}],
               "status": "DEPRECATED", "version": "", "min_version": "", "updated": "2025-07-04T12:00:00Z"},
              {"id": "v2.1", "links": [{"href": "http://cloud.example:8774/v2.1/", "rel": "self"}],
               "status": "CURRENT", "version": "{{{ComputeMicroversions.Maximum}}}", "min_version": "2.1", "updated": "2013-07-23T11:33:21Z"}
            ]}
            """, await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("OpenStack-API-Version"), "the root is outside microversion control");
    }

    [Theory]
    [InlineData("/v2.1/")]
    [InlineData("/v2.1")]
    public async Task GetV21_ShowsTheCurrentVersion(string path)
    {
        var response = await ClientFor("10.0.0.5").GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonAssert.Equal($$$"""
            {"version": {"id": "v2.1",
              "links": [{"href": "http://10.0.0.5/v2.1/", "rel": "self"},
                        {"href": "http://docs.openstack.org/", "rel": "describedby", "type": "text/html"}],
              "media-types": [{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}],
              "status": "CURRENT", "version": "{{{ComputeMicroversions.Maximum}}}", "min_version": "2.1", "updated": "2013-07-23T11:33:21Z"}}
            """, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/v2/")]
    [InlineData("/v2")]
    [InlineData("/v1.1/")]
    [InlineData("/v1.1")]
    public async Task GetV2_AndItsV11Alias_ShowTheLegacyVersion(string path)
    {
        var response = await ClientFor("localhost:8774").GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonAssert.Equal("""
            {"version": {"id": "v2.0",
              "links": [{"href": "http://localhost:8774/v2/", "rel": "self"},
                        {"href": "http://docs.openstack.org/", "rel": "describedby", "type": "text/html"}],
              "media-types": [{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2"}],
              "status": "DEPRECATED", "version": "", "min_version": "", "updated": "2025-07-04T12:00:00Z"}}
            """, await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("OpenStack-API-Version"), "legacy v2 has no microversions");
    }
}
