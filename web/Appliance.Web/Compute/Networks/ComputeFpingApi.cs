using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Core.Servers;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Networks;

/// <summary>
/// /os-fping as Nova served it up to 2.35: whether the caller's servers answer a ping (all_tenants for admins), narrowed
/// by include=ID,ID or else exclude=ID,ID; /os-fping/{id} for one. Its own rate row (12 GETs a minute) keeps it cheap.
/// </summary>
public static class ComputeFpingApi
{
    public static IEndpointRouteBuilder MapComputeFpingApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var fping = ComputeApiGroups.Group(routes, version, "/os-fping", ComputeMicroversions.NetworkProxiesRemoved);
            fping.MapGet("", List);
            fping.MapGet("/{id}", Show);
        }

        return routes;
    }

    /// <summary>What the handlers need: the caller and the liveness service.</summary>
    public sealed class Services(HttpContext http, [FromServices] ServerLiveness liveness)
    {
        public HttpContext Http { get; } = http;

        public ServerLiveness Liveness { get; } = liveness;

        public ServerCaller Caller => ServerCaller.From(Http.Caller());

        public IQueryCollection Query => Http.Request.Query;

        public CancellationToken Aborted => Http.RequestAborted;
    }

    private static async Task<Ok<JsonObject>> List([AsParameters] Services services)
    {
        var include = Ids(services.Query["include"].LastOrDefault());
        // Nova reads exclude only when include is not given (or empty).
        var exclude = include is null ? Ids(services.Query["exclude"].LastOrDefault()) ?? new HashSet<string>() : new HashSet<string>();
        var servers = await services.Liveness.ListAsync(services.Caller, services.Query.ContainsKey("all_tenants"), include, exclude, services.Aborted);
        return TypedResults.Ok(new JsonObject { ["servers"] = new JsonArray(servers.Select(server => (JsonNode)View(server)).ToArray()) });
    }

    private static async Task<Ok<JsonObject>> Show(string id, [AsParameters] Services services) =>
        TypedResults.Ok(new JsonObject { ["server"] = View(await services.Liveness.ShowAsync(services.Caller, id, services.Aborted)) });

    private static HashSet<string>? Ids(string? list) =>
        string.IsNullOrEmpty(list) ? null : list.Split(',').ToHashSet(StringComparer.Ordinal);

    private static JsonObject View(ServerAlive server) => new() { ["id"] = server.Id, ["project_id"] = server.ProjectId, ["alive"] = server.Alive };
}
