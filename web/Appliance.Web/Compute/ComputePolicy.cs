using Appliance.Core.Identity;
using Appliance.Web.Faults;
using Appliance.Web.Identity;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Compute;

/// <summary>
/// Nova's default policies for compute handlers, as faults: admin-only rules and project-reader rules are 403 "Policy
/// doesn't allow ...". A server's own rules (another project's is 404, a reader may look but not change) are the core's.
/// </summary>
public static class ComputePolicy
{
    /// <summary>The caller of a compute route; the auth token middleware has already refused calls without one.</summary>
    public static RequestContext Caller(this HttpContext http) =>
        http.GetRequestContext() ?? throw new FaultException(new Fault(401, AuthenticationFailedException.RequiresAuthenticationMessage));

    public static RequestContext RequireAdmin(this HttpContext http, string rule)
    {
        var caller = http.Caller();
        return Policy.IsAdmin(caller) ? caller : throw Forbidden(rule);
    }

    /// <summary>Nova's PROJECT_READER_OR_ADMIN on a project named in the URL: any role in it, or admin; 403 otherwise.</summary>
    public static RequestContext RequireProjectReader(this HttpContext http, string projectId, string rule)
    {
        var caller = http.Caller();
        return Policy.CanRead(caller, projectId) ? caller : throw Forbidden(rule);
    }

    private static FaultException Forbidden(string rule) => new(new Fault(403, $"Policy doesn't allow {rule} to be performed."));
}
