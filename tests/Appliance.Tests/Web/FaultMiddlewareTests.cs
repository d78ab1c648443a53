using System.Text;
using Appliance.Core;
using Appliance.Core.Identity;
using Appliance.Core.Images;
using Appliance.Tests.Hosting;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Tests.Web;

public sealed class FaultMiddlewareTests
{
    private static async Task<(int Status, string Body)> Run(RequestDelegate next)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var middleware = new FaultMiddleware(next, NullLogger<FaultMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body, Encoding.UTF8).ReadToEndAsync());
    }

    /// <summary>What the middleware answers when a request to <paramref name="path"/> ends in <paramref name="error"/>.</summary>
    private static async Task<(int Status, string? ContentType, string Body)> Answer(string path, Exception error, Endpoint? endpoint = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(endpoint);
        var middleware = new FaultMiddleware(_ => throw error, NullLogger<FaultMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, context.Response.ContentType, await new StreamReader(context.Response.Body, Encoding.UTF8).ReadToEndAsync());
    }

    public static TheoryData<RequestRefusedException, int, string> ComputeRefusals => new()
    {
        { new NotFoundException("gone"), 404, "itemNotFound" },
        { new ConflictException("busy"), 409, "conflictingRequest" },
        { new AlreadyExistsException("twice"), 409, "conflictingRequest" },
        { new InvalidRequestException("wrong"), 400, "badRequest" },
        { new ForbiddenException("not yours"), 403, "forbidden" },
        { new OverQuotaException("too many"), 403, "forbidden" },
    };

    [Theory]
    [MemberData(nameof(ComputeRefusals))]
    public async Task CoreRefusal_InCompute_IsANovaFault(RequestRefusedException refusal, int code, string name)
    {
        var (status, contentType, body) = await Answer("/v2.1/servers", refusal);

        Assert.Equal(code, status);
        Assert.Equal("application/json; charset=UTF-8", contentType);
        JsonAssert.Equal($$$"""{"{{{name}}}": {"code": {{{code}}}, "message": "{{{refusal.Message}}}"}}""", body);
    }

    [Fact]
    public async Task OverQuota_InImage_Is413OverLimit_AsGlance()
    {
        var (status, _, body) = await Answer("/image/v2/images/x/file", new OverQuotaException("Denying attempt"));

        Assert.Equal(413, status);
        JsonAssert.Equal("""{"overLimit": {"code": 413, "message": "Denying attempt"}}""", body);
    }

    [Fact]
    public async Task IdentityRefusal_IsKeystonesErrorBody()
    {
        var (status, contentType, body) = await Answer("/identity/v3/users/u1", new IdentityNotFoundException("user", "u1"));

        Assert.Equal(404, status);
        Assert.Equal("application/json", contentType);
        JsonAssert.Equal("""{"error": {"code": 404, "title": "Not Found", "message": "Could not find user: u1."}}""", body);
    }

    [Fact]
    public async Task RouteWording_ReplacesTheCoresMessage_ForThatRefusalOnly()
    {
        var endpoint = new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(FaultWording.For<ImageNotFoundException>("Image not found.")), "images");

        var (_, _, missing) = await Answer("/v2.1/images/x", new ImageNotFoundException("x"), endpoint);
        var (_, _, forbidden) = await Answer("/v2.1/images/x", new ForbiddenException("You are not permitted to delete this image."), endpoint);

        JsonAssert.Equal("""{"itemNotFound": {"code": 404, "message": "Image not found."}}""", missing);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "You are not permitted to delete this image."}}""", forbidden);
    }

    [Fact]
    public async Task UnexpectedException_Returns500_WithNoStackTraceOrPath()
    {
        var (status, body) = await Run(_ => throw new IOException("disk full at /var/lib/appliance/appliance.db"));

        Assert.Equal(500, status);
        JsonAssert.Equal("""{"computeFault": {"code": 500, "message": "Unexpected API Error"}}""", body);
    }

    [Fact]
    public async Task FaultException_KeepsItsCodeAndMessage()
    {
        var (status, body) = await Run(_ => throw new FaultException(new Fault(409, "Instance is locked")));

        Assert.Equal(409, status);
        JsonAssert.Equal("""{"conflictingRequest": {"code": 409, "message": "Instance is locked"}}""", body);
    }

    [Fact]
    public async Task HandlerOutputBeforeTheError_IsReplacedByTheFault()
    {
        var (status, body) = await Run(context =>
        {
            context.Response.StatusCode = 200;
            context.Response.Headers["X-Partial"] = "yes";
            throw new InvalidOperationException("boom");
        });

        Assert.Equal(500, status);
        Assert.DoesNotContain("boom", body);
    }

    [Theory]
    [InlineData(429, "overLimit")]
    [InlineData(401, "unauthorized")]
    [InlineData(403, "forbidden")]
    [InlineData(501, "notImplemented")]
    [InlineData(503, "serviceUnavailable")]
    [InlineData(502, "computeFault")]
    public void FaultName_FollowsNovasMap(int code, string name) => Assert.Equal(name, new Fault(code, "m").Name);

    [Fact]
    public async Task RetryAfter_IsInBodyAndHeader_For429()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await FaultWriter.WriteAsync(context, new Fault(429, "This request was rate-limited.") { RetryAfterSeconds = 30 });

        context.Response.Body.Position = 0;
        Assert.Equal("30", context.Response.Headers.RetryAfter.ToString());
        JsonAssert.Equal("""{"overLimit": {"code": 429, "message": "This request was rate-limited.", "retryAfter": "30"}}""",
            await new StreamReader(context.Response.Body).ReadToEndAsync());
    }
}
