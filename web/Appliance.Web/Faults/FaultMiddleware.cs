using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appliance.Web.Faults;

/// <summary>
/// The one exception-to-fault map: client faults keep their code and message; anything else is
/// logged here and answered with a bare 500, so no stack trace or host path ever leaves the box.
/// </summary>
public sealed class FaultMiddleware(RequestDelegate next, ILogger<FaultMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (FaultException e) when (!context.Response.HasStarted)
        {
            await Answer(context, e.Fault);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Kestrel's own refusals: body over the limit, truncated body, bad framing.
            var fault = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new Fault(413, Fault.RequestTooLargeMessage)
                : Fault.BadRequest(Fault.MalformedBodyMessage);
            await Answer(context, fault);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "Unexpected error serving {Method} {Path}", context.Request.Method, context.Request.Path);
            await Answer(context, Fault.Unexpected());
        }
    }

    /// <summary>Replaces whatever the handler began; headers added OnStarting (request id, version) still go out.</summary>
    private static Task Answer(HttpContext context, Fault fault)
    {
        context.Response.Clear();
        return FaultWriter.WriteAsync(context, fault);
    }
}
