using Appliance.Web.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Appliance.Web.Pipeline;

/// <summary>
/// Refuses request bodies over 112 KiB with 413, as oslo's sizelimit middleware does in front of Nova.
/// Declared lengths are refused at once; chunked bodies fail when reading passes the limit.
/// Routes that take large uploads opt out with <see cref="AllowLargeBody"/>.
/// </summary>
public sealed class BodyLimitMiddleware(RequestDelegate next)
{
    public const long MaxBodyBytes = 112 * 1024;

    public Task InvokeAsync(HttpContext context)
    {
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (context.GetEndpoint()?.Metadata.GetMetadata<LargeBodyAllowed>() is not null)
        {
            // Lift Kestrel's own 30 MB default too; the route bounds the body itself (image quota).
            if (sizeFeature is { IsReadOnly: false })
            {
                sizeFeature.MaxRequestBodySize = null;
            }

            return next(context);
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            // Thrown, not written: under /identity the Keystone error middleware turns it into Keystone's error body.
            throw new FaultException(new Fault(413, Fault.RequestTooLargeMessage));
        }

        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = MaxBodyBytes;
        }

        return next(context);
    }
}

/// <summary>Endpoint metadata: this route streams large bodies (image uploads) past the 112 KiB limit.</summary>
public sealed class LargeBodyAllowed
{
    public static readonly LargeBodyAllowed Instance = new();
}

public static class BodyLimitExtensions
{
    public static TBuilder AllowLargeBody<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(LargeBodyAllowed.Instance);
}
