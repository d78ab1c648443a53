using System.Text.Json.Nodes;
using Appliance.Core.Identity;
using Appliance.Core.Quotas;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Quotas;

/// <summary>
/// /os-quota-sets/{project_id}: a project's limits, their usage, the defaults; admins change them or put them
/// back to the defaults. Readers of the project may look; only admins change (Nova's default policy).
/// </summary>
public static class QuotaSetsApi
{
    private const string Rule = "os_compute_api:os-quota-sets:";

    public static IEndpointRouteBuilder MapQuotaSetsApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var quotas = ComputeApiGroups.Group(routes, version, "/os-quota-sets");
            quotas.MapGet("/{projectId}", Show);
            quotas.MapGet("/{projectId}/detail", Detail);
            quotas.MapGet("/{projectId}/defaults", Defaults);
            quotas.MapPut("/{projectId}", Update);
            quotas.MapDelete("/{projectId}", Delete);
        }

        return routes;
    }

    private static async Task<IResult> Show(HttpContext context, string projectId, QuotaService quotas, ProjectService projects)
    {
        context.RequireProjectReader(projectId, Rule + "show");
        RefusePerUserQuotas(context);
        await RequireProject(projectId, projects, context.RequestAborted);
        var limits = await quotas.GetLimitsAsync(projectId, context.RequestAborted);
        return TypedResults.Json(QuotaSetView.Limits(projectId, limits, context.ComputeVersion()));
    }

    private static async Task<IResult> Detail(HttpContext context, string projectId, QuotaService quotas, ProjectService projects)
    {
        context.RequireProjectReader(projectId, Rule + "detail");
        RefusePerUserQuotas(context);
        await RequireProject(projectId, projects, context.RequestAborted);
        var limits = await quotas.GetLimitsAsync(projectId, context.RequestAborted);
        var usage = await quotas.CountServerUsageAsync(projectId, context.RequestAborted);
        return TypedResults.Json(QuotaSetView.WithUsage(projectId, limits, usage, context.ComputeVersion()));
    }

    /// <summary>Anyone may read the defaults (Nova's rule is "@"), of any project that exists.</summary>
    private static async Task<IResult> Defaults(HttpContext context, string projectId, ProjectService projects)
    {
        context.Caller();
        await RequireProject(projectId, projects, context.RequestAborted);
        return TypedResults.Json(QuotaSetView.Limits(projectId, QuotaLimits.Defaults, context.ComputeVersion()));
    }

    private static async Task<IResult> Update(HttpContext context, string projectId, JsonBody<JsonObject> body, QuotaService quotas, ProjectService projects)
    {
        context.RequireAdmin(Rule + "update");
        RefusePerUserQuotas(context);
        await RequireProject(projectId, projects, context.RequestAborted);
        var version = context.ComputeVersion();
        var update = QuotaSetUpdate.Parse(body.Value, version);
        var limits = await quotas.UpdateAsync(projectId, update.Limits, update.Force, context.RequestAborted);
        // Nova's update answer has no "id", unlike show.
        return TypedResults.Json(QuotaSetView.Limits(null, limits, version));
    }

    private static async Task<IResult> Delete(HttpContext context, string projectId, QuotaService quotas)
    {
        context.RequireAdmin(Rule + "delete");
        RefusePerUserQuotas(context);
        await quotas.DeleteAsync(projectId, context.RequestAborted);
        return TypedResults.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>Nova asks Keystone whether the project exists; here the identity store is local.</summary>
    private static async Task RequireProject(string projectId, ProjectService projects, CancellationToken cancellationToken)
    {
        if (await projects.GetAsync(projectId, cancellationToken) is null)
        {
            throw new FaultException(Fault.BadRequest($"Project ID {projectId} is not a valid project."));
        }
    }

    /// <summary>Quotas are per project only; a user_id must not silently change the whole project's limits.</summary>
    private static void RefusePerUserQuotas(HttpContext context)
    {
        if (context.Request.Query.ContainsKey("user_id"))
        {
            throw new FaultException(Fault.BadRequest("Quotas per user are not supported; quotas apply to the whole project."));
        }
    }
}
