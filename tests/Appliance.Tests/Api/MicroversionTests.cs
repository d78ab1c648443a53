using System.Net;
using Appliance.Tests.Hosting;
using Appliance.Web.Microversions;

namespace Appliance.Tests.Api;

public sealed class MicroversionTests : IDisposable
{
    private readonly ApplianceFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<HttpResponseMessage> GetV21(string? header, string? value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2.1/");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        return await _factory.CreateClient().SendAsync(request);
    }

    private static void AssertEchoes(HttpResponseMessage response, string version)
    {
        Assert.Equal($"compute {version}", Assert.Single(response.Headers.GetValues("OpenStack-API-Version")));
        Assert.Equal(version, Assert.Single(response.Headers.GetValues("X-OpenStack-Nova-API-Version")));
        var vary = response.Headers.Vary.ToList();
        Assert.Contains("OpenStack-API-Version", vary);
        Assert.Contains("X-OpenStack-Nova-API-Version", vary);
    }

    [Fact]
    public async Task NoHeader_Means21_AndIsEchoed()
    {
        var response = await GetV21(null, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertEchoes(response, "2.1");
    }

    [Theory]
    [InlineData("OpenStack-API-Version", "compute 2.1")]
    [InlineData("OpenStack-API-Version", "image 2.5, compute 2.1")]
    [InlineData("OpenStack-API-Version", "COMPUTE 2.1")]
    [InlineData("X-OpenStack-Nova-API-Version", "2.1")]
    public async Task ExplicitVersion_IsHonouredAndEchoed(string header, string value)
    {
        var response = await GetV21(header, value);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertEchoes(response, "2.1");
    }

    [Fact]
    public async Task HeaderForAnotherServiceOnly_MeansTheDefault()
    {
        var response = await GetV21("OpenStack-API-Version", "volume 3.40");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertEchoes(response, ComputeMicroversions.Default.ToString());
    }

    [Theory]
    [InlineData("OpenStack-API-Version", "compute latest")]
    [InlineData("X-OpenStack-Nova-API-Version", "latest")]
    public async Task Latest_MeansTheMaximum(string header, string value)
    {
        var response = await GetV21(header, value);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertEchoes(response, ComputeMicroversions.Maximum.ToString());
    }

    [Theory]
    [InlineData("compute 2.x")]
    [InlineData("compute 2")]
    [InlineData("compute 02.1")]
    [InlineData("compute 2.01")]
    [InlineData("compute v2.1")]
    [InlineData("compute 2.1.1")]
    public async Task MalformedVersion_Returns400BadRequest(string value)
    {
        var response = await GetV21("OpenStack-API-Version", value);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var requested = value["compute ".Length..];
        JsonAssert.Equal(
            $$$"""{"badRequest": {"code": 400, "message": "API Version String {{{requested}}} is of invalid format. Must be of format MajorNum.MinorNum."}}""",
            await response.Content.ReadAsStringAsync());
        Assert.StartsWith("req-", Assert.Single(response.Headers.GetValues("X-Compute-Request-ID")));
    }

    [Theory]
    [InlineData("compute 2.1000", "2.1000")]
    [InlineData("compute 2.0", "2.0")]
    [InlineData("compute 3.0", "3.0")]
    [InlineData("compute 1.1", "1.1")]
    public async Task VersionOutOfRange_Returns406(string value, string version)
    {
        var response = await GetV21("OpenStack-API-Version", value);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        JsonAssert.Equal(
            $$$"""{"computeFault": {"code": 406, "message": "Version {{{version}}} is not supported by the API. Minimum is 2.1 and maximum is {{{ComputeMicroversions.Maximum}}}."}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ErrorOnAVersionedRoute_StillEchoesTheVersion()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2.1/")
        {
            Content = new StringContent("x=1", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("OpenStack-API-Version", "compute 2.1");

        var response = await _factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        AssertEchoes(response, "2.1");
    }

    [Theory]
    [InlineData("2.1", 2, 1)]
    [InlineData("2.10", 2, 10)]
    [InlineData("2.0", 2, 0)]
    public void ApiVersion_ParsesNovasGrammar(string text, int major, int minor)
    {
        Assert.True(ApiVersion.TryParse(text, out var version));
        Assert.Equal(new ApiVersion(major, minor), version);
    }

    [Fact]
    public void ApiVersion_ComparesNumerically()
    {
        Assert.True(new ApiVersion(2, 10) > new ApiVersion(2, 9));
        Assert.True(new ApiVersion(3, 0) > new ApiVersion(2, 99));
    }
}
