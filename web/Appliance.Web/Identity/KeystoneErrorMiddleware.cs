using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Identity;

/// <summary>
/// Under /identity, errors speak Keystone: every identity route needs a valid token unless marked
/// <see cref="IdentityEndpoint.Anonymous"/> (401 otherwise), and routing's bodiless 404/405 get Keystone's wording.
/// Exceptions go on to the fault middleware, which answers them in Keystone's <c>{"error": {...}}</c> body here.
/// </summary>
public sealed class KeystoneErrorMiddleware(RequestDelegate next)
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

        await next(context);
        if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentType is null)
        {
            var error = KeystoneError.ForStatus(context.Response.StatusCode);
            context.Response.Clear();
            await KeystoneErrorWriter.WriteAsync(context, error);
        }
    }
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
