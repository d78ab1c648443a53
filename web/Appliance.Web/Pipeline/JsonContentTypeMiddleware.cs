using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Appliance.Web.Pipeline;

/// <summary>
/// Compute routes take JSON only: a request that carries a body of any other declared type is 415,
/// whatever its method, as Nova's wsgi layer checks before dispatch.
/// </summary>
public sealed class JsonContentTypeMiddleware(RequestDelegate next)
{
    private static readonly string[] AcceptedMediaTypes = ["application/json", "application/vnd.openstack.compute+json"];

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<JsonOnlyEndpoint>() is null || !HasBody(context.Request))
        {
            return next(context);
        }

        var contentType = context.Request.ContentType;
        if (contentType is not null && !IsJson(contentType))
        {
            return FaultWriter.WriteAsync(context, new Fault(415, Fault.UnsupportedContentTypeMessage));
        }

        return next(context);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && AcceptedMediaTypes.Contains(parsed.MediaType.Value, StringComparer.OrdinalIgnoreCase);
}

/// <summary>Endpoint metadata: this route's bodies must be JSON.</summary>
public sealed class JsonOnlyEndpoint
{
    public static readonly JsonOnlyEndpoint Instance = new();
}
