using System.Text.Json.Nodes;
using Appliance.Core.Identity;
using Appliance.Core.Networks;
using Appliance.Web.Identity;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>
/// /v2.0/quotas: Neutron's quota API (extensions quotas and quota_details). An admin lists the projects with limits set,
/// sets and resets them; a member reads its own project's limits, defaults and use.
/// </summary>
public static class QuotasApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.V2 + "/quotas", List);
        routes.MapGet(NeutronApi.V2 + "/quotas/{projectId}", Show);
        routes.MapPut(NeutronApi.V2 + "/quotas/{projectId}", Update);
        routes.MapDelete(NeutronApi.V2 + "/quotas/{projectId}", Reset);
        routes.MapGet(NeutronApi.V2 + "/quotas/{projectId}/default", Defaults);
        routes.MapGet(NeutronApi.V2 + "/quotas/{projectId}/details", Details);
    }

    /// <summary>What the quota handlers need, bound as one bundle.</summary>
    public sealed class Services(HttpContext http, [FromServices] NetworkQuotaService quotas)
    {
        public HttpContext Http { get; } = http;

        public NetworkQuotaService Quotas { get; } = quotas;

        public RequestContext Caller => Http.RequireRequestContext();

        public CancellationToken Aborted => Http.RequestAborted;
    }

    private static async Task<Ok<JsonObject>> List([AsParameters] Services services)
    {
        var projects = await services.Quotas.ListAsync(services.Caller, services.Aborted);
        var rows = new JsonArray();
        foreach (var project in projects)
        {
            var row = Limits(project.Limits);
            row["project_id"] = project.ProjectId;
            row["tenant_id"] = project.ProjectId;
            rows.Add(row);
        }

        return TypedResults.Ok(new JsonObject { ["quotas"] = rows });
    }

    private static async Task<Ok<JsonObject>> Show(string projectId, [AsParameters] Services services) =>
        TypedResults.Ok(new JsonObject { ["quota"] = Limits(await services.Quotas.ShowAsync(services.Caller, projectId, services.Aborted)) });

    private static async Task<Ok<JsonObject>> Update(string projectId, JsonBody<JsonObject> body, [AsParameters] Services services)
    {
        var limits = NeutronQuotaBody.Limits(body.Value);
        return TypedResults.Ok(new JsonObject { ["quota"] = Limits(await services.Quotas.UpdateAsync(services.Caller, projectId, limits, services.Aborted)) });
    }

    private static async Task<NoContent> Reset(string projectId, [AsParameters] Services services)
    {
        await services.Quotas.ResetAsync(services.Caller, projectId, services.Aborted);
        return TypedResults.NoContent();
    }

    private static Ok<JsonObject> Defaults(string projectId, [AsParameters] Services services) =>
        TypedResults.Ok(new JsonObject { ["quota"] = Limits(services.Quotas.Defaults(services.Caller, projectId)) });

    private static async Task<Ok<JsonObject>> Details(string projectId, [AsParameters] Services services)
    {
        var details = new JsonObject();
        foreach (var (resource, use) in await services.Quotas.DetailsAsync(services.Caller, projectId, services.Aborted))
        {
            details[resource] = new JsonObject { ["limit"] = use.Limit, ["used"] = use.Used, ["reserved"] = use.Reserved };
        }

        return TypedResults.Ok(new JsonObject { ["quota"] = details });
    }

    private static JsonObject Limits(IReadOnlyDictionary<string, int> limits)
    {
        var body = new JsonObject();
        foreach (var (resource, limit) in limits)
        {
            body[resource] = limit;
        }

        return body;
    }
}
