using Appliance.Core.Quotas;
using Appliance.Web.RateLimits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

    private static async Task<Ok<Dictionary<string, object>>> Show([AsParameters] ComputeRequestServices services)
    {
        var caller = services.Caller;
        var projectId = caller.ProjectId!;
        // Any tenant_id, even the caller's own, needs os_compute_api:limits:other_project (admin), as in Nova.
        if (services.Query.TryGetValue("tenant_id", out var tenant))
        {
            services.RequireAdmin("os_compute_api:limits:other_project");
            projectId = tenant.ToString();
        }

        var limits = await services.Quotas.GetLimitsAsync(projectId, services.Aborted);
        var usage = await services.Quotas.CountServerUsageAsync(projectId, services.Aborted);
        var rate = services.RateLimits.Enabled ? RateLimitsView.Build(services.RateLimits.StateOf(projectId)) : [];
        return TypedResults.Ok(LimitsView.Build(services.Version, limits, usage, rate));
    }
}
