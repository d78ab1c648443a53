using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Api;

public sealed partial class FaultTests : IDisposable
{
    private readonly ApplianceFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("/nowhere")]
    [InlineData("/v2.1/no-such-resource")]
    [InlineData("/v2/servers/../../etc/passwd")]
    public async Task UnknownRoute_Returns404ItemNotFound(string path)
    {
        // Compute paths answer 401 before routing without a token, as keystonemiddleware does in front of Nova.
        var client = _factory.CreateClient();
        var token = await Identity.IdentityClient.AdminTokenAsync(client, _factory.DataDir);

        var response = await client.SendAsync(Identity.IdentityClient.WithToken(HttpMethod.Get, path, token));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "The resource could not be found."}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("POST", "/v2.1/")]
    [InlineData("DELETE", "/")]
    [InlineData("PUT", "/v2/")]
    public async Task WrongMethod_Returns405BadMethod(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await _factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        JsonAssert.Equal($$$"""{"badMethod": {"code": 405, "message": "The method {{{method}}} is not allowed for this resource."}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BodyOver112KiB_Returns413OverLimit()
    {
        var body = "{\"x\": \"" + new string('a', 112 * 1024) + "\"}";
        var request = new HttpRequestMessage(HttpMethod.Post, "/v2.1/")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };

        var response = await _factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        JsonAssert.Equal("""{"overLimit": {"code": 413, "message": "Request is too large."}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BodyOfExactly112KiB_IsNotRefusedForSize()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2.1/")
        {
            Content = new ByteArrayContent(new byte[112 * 1024]),
        };
        request.Content.Headers.ContentType = new("application/json");

        var response = await _factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task NonJsonBody_Returns415BadMediaType(string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2.1/")
        {
            Content = new StringContent("<server/>", Encoding.UTF8, contentType),
        };

        var response = await _factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        JsonAssert.Equal("""{"badMediaType": {"code": 415, "message": "Unsupported Content-Type"}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.openstack.compute+json")]
    public async Task JsonBody_IsAccepted(string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2.1/") { Content = new StringContent("{}") };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        var response = await _factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/v2.1/")]
    [InlineData("GET", "/nowhere")]
    [InlineData("POST", "/v2.1/")]
    [InlineData("GET", "/healthz")]
    public async Task EveryAnswer_CarriesOneRequestIdInBothHeaders(string method, string path)
    {
        var response = await _factory.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var computeId = Assert.Single(response.Headers.GetValues("X-Compute-Request-ID"));
        var openStackId = Assert.Single(response.Headers.GetValues("X-OpenStack-Request-ID"));
        Assert.Equal(computeId, openStackId);
        Assert.Matches(RequestIdFormat(), computeId);
    }

    [Fact]
    public async Task RequestIds_AreUniquePerRequest()
    {
        var client = _factory.CreateClient();
        var ids = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var response = await client.GetAsync("/");
            ids.Add(response.Headers.GetValues("X-OpenStack-Request-ID").Single());
        }

        Assert.Equal(20, ids.Count);
    }

    [GeneratedRegex("^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex RequestIdFormat();
}
