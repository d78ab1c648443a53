using System.Diagnostics;
using Appliance.Web.Identity;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Observability;

/// <summary>Adds every API request to the <see cref="RequestLog"/> once answered; the status page's own traffic is left out.</summary>
public sealed class RequestLogMiddleware(RequestDelegate next, RequestLog log, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var at = clock.GetUtcNow();
        // Taken before auth folds /v2.1/{project_id}/... away, so the log shows what the client sent.
        var path = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        try
        {
            await next(context);
        }
        finally
        {
            log.Add(new RequestLogEntry(at, context.Request.Method, path,
                context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.TraceIdentifier, context.GetRequestContext()?.ProjectId));
        }
    }
}
