using Appliance.Core.Images;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Web.Image;

/// <summary>
/// What Glance handlers need, bound as one [AsParameters] bundle: the request's own values and the image store.
/// The store is marked [FromServices] on purpose: a parameter of a complex type without a source is "JSON body or
/// service" to the request delegate generator, which then declares the route accepts application/json only
/// (IAcceptsMetadata). Routing turns that into a bodiless 415 for the octet-stream upload and the json-patch PATCH,
/// before the endpoint (and its large-body opt-out) is ever reached. Nothing in this bundle is read from the body.
/// </summary>
public sealed class GlanceRequestServices(HttpContext http, [FromServices] ImageService images)
{
    public HttpContext Http { get; } = http;
    public ImageService Images { get; } = images;

    /// <summary>The request: its query, its content type and, for uploads, its body stream.</summary>
    public HttpRequest Request => Http.Request;

    public IQueryCollection Query => Http.Request.Query;

    /// <summary>The caller as the image store sees them, read when a handler asks (401 without one).</summary>
    public ImageCaller Caller => Http.ImageCaller();

    /// <summary>The caller, who must be allowed to change images (403 for readers), read when a handler asks.</summary>
    public ImageCaller Writer => Http.ImageWriter();

    public CancellationToken Aborted => Http.RequestAborted;
}
