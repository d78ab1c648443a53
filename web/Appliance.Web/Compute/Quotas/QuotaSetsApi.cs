using System.Text.Json.Nodes;
using Appliance.Core.Quotas;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

    private static async Task<Ok<Dictionary<string, object>>> Show(string projectId, [AsParameters] ComputeRequestServices services)
    {
        services.RequireProjectReader(projectId, Rule + "show");
        RefusePerUserQuotas(services);
        await RequireProject(services, projectId);
        var limits = await services.Quotas.GetLimitsAsync(projectId, services.Aborted);
        return TypedResults.Ok(QuotaSetView.Limits(projectId, limits, services.Version));
    }

    private static async Task<Ok<Dictionary<string, object>>> Detail(string projectId, [AsParameters] ComputeRequestServices services)
    {
        services.RequireProjectReader(projectId, Rule + "detail");
        RefusePerUserQuotas(services);
        await RequireProject(services, projectId);
        var limits = await services.Quotas.GetLimitsAsync(projectId, services.Aborted);
        var usage = await services.Quotas.CountServerUsageAsync(projectId, services.Aborted);
        return TypedResults.Ok(QuotaSetView.WithUsage(projectId, limits, usage, services.Version));
    }

    /// <summary>Anyone may read the defaults (Nova's rule is "@"), of any project that exists.</summary>
    private static async Task<Ok<Dictionary<string, object>>> Defaults(string projectId, [AsParameters] ComputeRequestServices services)
    {
        _ = services.Caller;
        await RequireProject(services, projectId);
        return TypedResults.Ok(QuotaSetView.Limits(projectId, QuotaLimits.Defaults, services.Version));
    }

    private static async Task<Ok<Dictionary<string, object>>> Update(string projectId, JsonBody<JsonObject> body, [AsParameters] ComputeRequestServices services)
    {
        services.RequireAdmin(Rule + "update");
        RefusePerUserQuotas(services);
        await RequireProject(services, projectId);
        var version = services.Version;
        var update = QuotaSetUpdate.Parse(body.Value, version);
        var limits = await services.Quotas.UpdateAsync(projectId, update.Limits, update.Force, services.Aborted);
        // Nova's update answer has no "id", unlike show.
        return TypedResults.Ok(QuotaSetView.Limits(null, limits, version));
    }

    private static async Task<Accepted> Delete(string projectId, [AsParameters] ComputeRequestServices services)
    {
        services.RequireAdmin(Rule + "delete");
        RefusePerUserQuotas(services);
        await services.Quotas.DeleteAsync(projectId, services.Aborted);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>Nova asks Keystone whether the project exists; here the identity store is local.</summary>
    private static async Task RequireProject(ComputeRequestServices services, string projectId)
    {
        if (await services.Projects.GetAsync(projectId, services.Aborted) is null)
        {
            throw new FaultException(Fault.BadRequest($"Project ID {projectId} is not a valid project."));
        }
    }

    /// <summary>Quotas are per project only; a user_id must not silently change the whole project's limits.</summary>
    private static void RefusePerUserQuotas(ComputeRequestServices services)
    {
        if (services.Query.ContainsKey("user_id"))
        {
            throw new FaultException(Fault.BadRequest("Quotas per user are not supported; quotas apply to the whole project."));
        }
    }
}
