using Appliance.Core.Identity;
using Appliance.Web.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appliance.Web.Faults;

/// <summary>
/// Answers every exception an API request ends in, through the one map (<see cref="FaultMap"/>): client faults keep
/// their code and message, in the body of the API asked; anything else is logged here and answered with a bare 500,
/// so no stack trace or host path ever leaves the box.
/// </summary>
public sealed class FaultMiddleware(RequestDelegate next, ILogger<FaultMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var api = FaultMap.ApiOf(context.Request);
            if (FaultMap.For(e, api, context.GetEndpoint()) is not { } fault)
            {
                logger.LogError(e, "Unexpected error serving {Method} {Path}", context.Request.Method, context.Request.Path);
                // A computeFault on every API, identity's included.
                await Answer(context, FaultApi.Compute, Fault.Unexpected());
                return;
            }

            if (e is AuthenticationFailedException)
            {
                // As Keystone does: operators see failed logins and where from; never the name or password tried.
                logger.LogWarning("Authorization failed. {Message} from {RemoteAddress}", e.Message, context.Connection.RemoteIpAddress);
            }

            await Answer(context, api, fault);
        }
    }

    /// <summary>Replaces whatever the handler began; headers added OnStarting (request id, version) still go out.</summary>
    private static Task Answer(HttpContext context, FaultApi api, Fault fault)
    {
        context.Response.Clear();
        if (api == FaultApi.Identity && fault.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return api == FaultApi.Identity
            ? KeystoneErrorWriter.WriteAsync(context, new KeystoneError(fault.Code, fault.Message))
            : FaultWriter.WriteAsync(context, fault);
    }
}
