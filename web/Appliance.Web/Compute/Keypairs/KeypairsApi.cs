using System.Text.Json.Nodes;
using Appliance.Core.Keypairs;
using Appliance.Web.Json;
using Appliance.Web.Microversions;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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

    private static async Task<IResult> List(HttpContext context, KeyPairService keypairs)
    {
        var version = context.ComputeVersion();
        var userId = KeypairOwner.Resolve(context, KeypairOwner.FromQuery(context), "index");
        var paged = version >= ComputeMicroversions.KeypairPaging;
        var limit = paged ? ComputePaging.SchemaLimit(context.Request.Query) : null;
        var marker = paged ? context.Request.Query.Last("marker") : null;
        var page = await keypairs.ListAsync(userId, limit ?? (paged ? ComputePaging.MaxLimit : null), marker, context.RequestAborted);

        var body = new Dictionary<string, object?>
        {
            ["keypairs"] = page.Select(pair => new { keypair = KeypairView.Listed(pair, version) }).ToList(),
        };
        // As Nova: a full page (of the asked limit, or of the cap) links the next one.
        if (paged && page.Count > 0 && page.Count == (limit ?? ComputePaging.MaxLimit))
        {
            body["keypairs_links"] = new[] { new ComputeLinks.Link("next", ComputeLinks.Next(context.Request, "os-keypairs", page[^1].Name)) };
        }

        return TypedResults.Json(body);
    }

    private static async Task<IResult> Create(HttpContext context, JsonBody<JsonObject> body, KeyPairService keypairs)
    {
        var version = context.ComputeVersion();
        var request = KeypairRequests.Create(body.Value, version);
        var userId = KeypairOwner.Resolve(context, request.UserId, "create");
        var (pair, privateKey) = await keypairs.CreateAsync(context.Caller().ProjectId!, userId, request.Name, request.PublicKey, request.Type, context.RequestAborted);
        var view = new { keypair = KeypairView.Created(pair, privateKey, version) };
        return version >= ComputeMicroversions.KeypairType
            ? TypedResults.Json(view, statusCode: StatusCodes.Status201Created)
            : TypedResults.Json(view);
    }

    private static async Task<IResult> Show(HttpContext context, string name, KeyPairService keypairs)
    {
        var userId = KeypairOwner.Resolve(context, KeypairOwner.FromQuery(context), "show");
        var pair = await keypairs.GetAsync(userId, name, context.RequestAborted);
        return TypedResults.Json(new { keypair = KeypairView.Shown(pair, context.ComputeVersion()) });
    }

    private static async Task<IResult> Delete(HttpContext context, string name, KeyPairService keypairs)
    {
        var userId = KeypairOwner.Resolve(context, KeypairOwner.FromQuery(context), "delete");
        await keypairs.DeleteAsync(userId, name, context.RequestAborted);
        return TypedResults.StatusCode(context.ComputeVersion() >= ComputeMicroversions.KeypairType
            ? StatusCodes.Status204NoContent
            : StatusCodes.Status202Accepted);
    }
}
