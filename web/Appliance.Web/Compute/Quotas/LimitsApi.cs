using Appliance.Core.Quotas;
using Appliance.Web.Microversions;
using Appliance.Web.RateLimits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Quotas;

/// <summary>GET /limits: the caller's project's absolute limits and usage, and how much of each rate limit it has left.</summary>
public static class LimitsApi
{
    public static IEndpointRouteBuilder MapLimitsApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            ComputeApiGroups.Group(routes, version, "/limits").MapGet("", Show);
        }

        return routes;
    }

    private static async Task<IResult> Show(HttpContext context, QuotaService quotas, ProjectRateLimits rateLimits)
    {
        var caller = context.Caller();
        var projectId = caller.ProjectId!;
        // Any tenant_id, even the caller's own, needs os_compute_api:limits:other_project (admin), as in Nova.
        if (context.Request.Query.TryGetValue("tenant_id", out var tenant))
        {
            context.RequireAdmin("os_compute_api:limits:other_project");
            projectId = tenant.ToString();
        }

        var limits = await quotas.GetLimitsAsync(projectId, context.RequestAborted);
        var usage = await quotas.CountServerUsageAsync(projectId, context.RequestAborted);
        var rate = rateLimits.Enabled ? RateLimitsView.Build(rateLimits.StateOf(projectId)) : [];
        return TypedResults.Json(LimitsView.Build(context.ComputeVersion(), limits, usage, rate));
    }
}
