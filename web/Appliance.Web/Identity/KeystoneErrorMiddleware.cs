using Appliance.Core.Identity;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appliance.Web.Identity;

/// <summary>
/// Under /identity, errors speak Keystone: every identity route needs a valid token unless marked
/// <see cref="IdentityEndpoint.Anonymous"/> (401 otherwise), core identity errors and body faults become
/// <c>{"error": {...}}</c> bodies, and routing's bodiless 404/405 get Keystone's wording.
/// </summary>
public sealed class KeystoneErrorMiddleware(RequestDelegate next, ILogger<KeystoneErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(IdentityUrls.IdentityPrefix))
        {
            await next(context);
            return;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<IdentityEndpoint>() is { NeedsToken: true } && context.GetRequestContext() is null)
        {
            await KeystoneErrorWriter.WriteAsync(context, KeystoneError.Unauthorized());
            return;
        }

        KeystoneError? error;
        try
        {
            await next(context);
            error = !context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentType is null
                ? KeystoneError.ForStatus(context.Response.StatusCode)
                : null;
        }
        catch (Exception e) when (!context.Response.HasStarted && Translate(e) is { } translated)
        {
            if (e is AuthenticationFailedException)
            {
                // As Keystone does: operators see failed logins and where from; never the name or password tried.
                logger.LogWarning("Authorization failed. {Message} from {RemoteAddress}", e.Message, context.Connection.RemoteIpAddress);
            }

            error = translated;
        }

        if (error is not null)
        {
            context.Response.Clear();
            await KeystoneErrorWriter.WriteAsync(context, error);
        }
    }

    /// <summary>The client errors that have a Keystone answer; anything else goes on to the fault middleware as a 500.</summary>
    private static KeystoneError? Translate(Exception exception) => exception switch
    {
        KeystoneErrorException e => e.Error,
        AuthenticationFailedException => KeystoneError.Unauthorized(),
        IdentityNotFoundException e => new KeystoneError(404, e.Message),
        IdentityConflictException e => new KeystoneError(409, e.Message),
        IdentityValidationException e => new KeystoneError(400, e.Message),
        IdentityForbiddenException e => new KeystoneError(403, e.Message),
        FaultException e => new KeystoneError(e.Fault.Code, e.Fault.Message),
        BadHttpRequestException e => e.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? new KeystoneError(413, Fault.RequestTooLargeMessage)
            : KeystoneError.BadRequest(Fault.MalformedBodyMessage),
        _ => null,
    };
}

/// <summary>Endpoint metadata: an identity route, and whether it needs a token (all but discovery and issuing one).</summary>
public sealed record IdentityEndpoint(bool NeedsToken)
{
    public static readonly IdentityEndpoint Authenticated = new(true);
    public static readonly IdentityEndpoint Anonymous = new(false);
}

public static class IdentityEndpointExtensions
{
    /// <summary>Lets this route answer callers without a token.</summary>
    public static TBuilder WithoutToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(IdentityEndpoint.Anonymous);
}
