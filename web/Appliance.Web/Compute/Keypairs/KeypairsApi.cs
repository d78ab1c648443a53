using System.Text.Json.Nodes;
using Appliance.Core.Keypairs;
using Appliance.Web.Json;
using Appliance.Web.Microversions;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Keypairs;

/// <summary>
/// /os-keypairs as Nova serves it up to 2.35: a user's key pairs, imported or generated; typed (ssh or x509) from
/// 2.2, another user's for admins from 2.10, paged from 2.35.
/// </summary>
public static class KeypairsApi
{
    public static IEndpointRouteBuilder MapKeypairsApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var keypairs = ComputeApiGroups.Group(routes, version, "/os-keypairs");
            keypairs.MapGet("", List);
            keypairs.MapPost("", Create);
            keypairs.MapGet("/{name}", Show);
            keypairs.MapDelete("/{name}", Delete);
        }

        return routes;
    }

    private static async Task<Ok<Dictionary<string, object?>>> List([AsParameters] ComputeRequestServices services)
    {
        var version = services.Version;
        var userId = KeypairOwner.Resolve(services, KeypairOwner.FromQuery(services), "index");
        var paged = version >= ComputeMicroversions.KeypairPaging;
        var limit = paged ? ComputePaging.SchemaLimit(services.Query) : null;
        var marker = paged ? services.Query.Last("marker") : null;
        var page = await services.Keypairs.ListAsync(userId, limit ?? (paged ? ComputePaging.MaxLimit : null), marker, services.Aborted);

        var body = new Dictionary<string, object?>
        {
            ["keypairs"] = page.Select(pair => new KeypairView.One(KeypairView.Listed(pair, version))).ToList(),
        };
        // As Nova: a full page (of the asked limit, or of the cap) links the next one.
        if (paged && page.Count > 0 && page.Count == (limit ?? ComputePaging.MaxLimit))
        {
            body["keypairs_links"] = new[] { new ComputeLinks.Link("next", ComputeLinks.Next(services.Request, "os-keypairs", page[^1].Name)) };
        }

        return TypedResults.Ok(body);
    }

    /// <summary>201 from 2.2 on, 200 before, with the same body.</summary>
    private static async Task<Results<JsonHttpResult<KeypairView.One>, Ok<KeypairView.One>>> Create(
        JsonBody<JsonObject> body, [AsParameters] ComputeRequestServices services)
    {
        var version = services.Version;
        var request = KeypairRequests.Create(body.Value, version);
        var userId = KeypairOwner.Resolve(services, request.UserId, "create");
        var (pair, privateKey) = await services.Keypairs.CreateAsync(services.Caller.ProjectId!, userId, request.Name, request.PublicKey, request.Type, services.Aborted);
        var view = new KeypairView.One(KeypairView.Created(pair, privateKey, version));
        return version >= ComputeMicroversions.KeypairType
            ? TypedResults.Json(view, statusCode: StatusCodes.Status201Created)
            : TypedResults.Ok(view);
    }

    private static async Task<Ok<KeypairView.One>> Show(string name, [AsParameters] ComputeRequestServices services)
    {
        var userId = KeypairOwner.Resolve(services, KeypairOwner.FromQuery(services), "show");
        var pair = await services.Keypairs.GetAsync(userId, name, services.Aborted);
        return TypedResults.Ok(new KeypairView.One(KeypairView.Shown(pair, services.Version)));
    }

    /// <summary>204 from 2.2 on, 202 before.</summary>
    private static async Task<Results<NoContent, Accepted>> Delete(string name, [AsParameters] ComputeRequestServices services)
    {
        var userId = KeypairOwner.Resolve(services, KeypairOwner.FromQuery(services), "delete");
        await services.Keypairs.DeleteAsync(userId, name, services.Aborted);
        return services.Version >= ComputeMicroversions.KeypairType
            ? TypedResults.NoContent()
            : TypedResults.Accepted((string?)null);
    }
}
