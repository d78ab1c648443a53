using Appliance.Core.Flavors;
using Appliance.Core.Identity;
using Appliance.Core.Images;
using Appliance.Core.Keypairs;
using Appliance.Core.Quotas;
using Appliance.Web.Microversions;
using Appliance.Web.RateLimits;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Compute;

/// <summary>
/// What the compute handlers of flavors, images, key pairs, quotas, limits and zones need, bound as one
/// [AsParameters] bundle: the request's own values (caller, microversion, request for links, abort token)
/// and the core services. The caller and the policy checks are read when a handler asks, so each handler
/// still refuses in the order it always did.
/// </summary>
public sealed class ComputeRequestServices(
    HttpContext http,
    TimeProvider clock,
    FlavorService flavors,
    ImageService images,
    KeyPairService keypairs,
    QuotaService quotas,
    ProjectService projects,
    ProjectRateLimits rateLimits)
{
    public HttpContext Http { get; } = http;
    public TimeProvider Clock { get; } = clock;
    public FlavorService Flavors { get; } = flavors;
    public ImageService Images { get; } = images;
    public KeyPairService Keypairs { get; } = keypairs;
    public QuotaService Quotas { get; } = quotas;
    public ProjectService Projects { get; } = projects;
    public ProjectRateLimits RateLimits { get; } = rateLimits;

    /// <summary>The request, for links in bodies and for the query string.</summary>
    public HttpRequest Request => Http.Request;

    public IQueryCollection Query => Http.Request.Query;

    /// <summary>The caller; 401 if the auth middleware let a request through without one.</summary>
    public RequestContext Caller => Http.Caller();

    /// <summary>The negotiated microversion (2.1's floor on the legacy routes).</summary>
    public ApiVersion Version => Http.ComputeVersion();

    public CancellationToken Aborted => Http.RequestAborted;

    public RequestContext RequireAdmin(string rule) => Http.RequireAdmin(rule);

    public RequestContext RequireProjectReader(string projectId, string rule) => Http.RequireProjectReader(projectId, rule);
}
