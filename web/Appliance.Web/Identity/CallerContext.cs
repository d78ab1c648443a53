using Appliance.Core.Identity;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Identity;

/// <summary>The validated token's context for this request, set by the auth token middleware; handlers read it, never headers. The secret itself is not kept.</summary>
public sealed record CallerFeature(RequestContext Context);

/// <summary>The project id a compute URL carried (/v2.1/{project_id}/...), kept so links can carry it back.</summary>
public sealed record ProjectIdInUrlFeature(string ProjectId);

public static class CallerContextExtensions
{
    /// <summary>The caller's context, or null when the request carried no valid token.</summary>
    public static RequestContext? GetRequestContext(this HttpContext context) => context.Features.Get<CallerFeature>()?.Context;

    /// <summary>The caller's context on a route that requires a token (the middleware has already refused anonymous calls).</summary>
    public static RequestContext RequireRequestContext(this HttpContext context) =>
        context.GetRequestContext() ?? throw new KeystoneErrorException(KeystoneError.Unauthorized());
}
