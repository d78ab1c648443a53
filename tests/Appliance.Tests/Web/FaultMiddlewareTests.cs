using System.Text;
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
