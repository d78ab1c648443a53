using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appliance.Web.Pipeline;

/// <summary>
/// Gives every request an OpenStack request id (req-&lt;uuid&gt;), sends it on every answer, errors included,
/// and opens a log scope so each line written while serving the request carries it.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string ComputeHeader = "X-Compute-Request-ID";
    public const string OpenStackHeader = "X-OpenStack-Request-ID";
    public const string ScopeKey = "OpenStackRequestId";

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = $"req-{Guid.NewGuid()}";
        context.TraceIdentifier = requestId;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[ComputeHeader] = requestId;
            context.Response.Headers[OpenStackHeader] = requestId;
            return Task.CompletedTask;
        });

        using (logger.BeginScope(new Dictionary<string, object> { [ScopeKey] = requestId }))
        {
            await next(context);
        }
    }
}
