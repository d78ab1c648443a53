using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Servers;

/// <summary>/servers/{id}/metadata: list, merge, replace, and one item's show, set and delete, as Nova serves them.</summary>
public static class ServerMetadataApi
{
    public sealed record MetadataBody([property: JsonPropertyName("metadata")] JsonElement Metadata);

    public sealed record MetaBody([property: JsonPropertyName("meta")] JsonElement Meta);

    public static IEndpointRouteBuilder MapServerMetadataApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var metadata = ComputeApiGroups.Group(routes, version, "/servers/{id}/metadata");
            metadata.MapGet("", List);
            metadata.MapPost("", Merge);
            metadata.MapPut("", Replace);
            metadata.MapGet("/{key}", Show);
            metadata.MapPut("/{key}", Set);
            metadata.MapDelete("/{key}", Delete);
        }

        return routes;
    }

    private static async Task<IResult> List(HttpContext context, string id, ServerMetadataService metadata) =>
        TypedResults.Json(new { metadata = await metadata.ListAsync(Caller(context), id, context.RequestAborted) });

    private static async Task<IResult> Merge(HttpContext context, string id, JsonBody<MetadataBody> body, ServerMetadataService metadata)
    {
        var items = Items(body.Value.Metadata, "metadata");
        return TypedResults.Json(new { metadata = await metadata.MergeAsync(Caller(context), id, items, context.RequestAborted) });
    }

    private static async Task<IResult> Replace(HttpContext context, string id, JsonBody<MetadataBody> body, ServerMetadataService metadata)
    {
        var items = Items(body.Value.Metadata, "metadata");
        return TypedResults.Json(new { metadata = await metadata.ReplaceAsync(Caller(context), id, items, context.RequestAborted) });
    }

    private static async Task<IResult> Show(HttpContext context, string id, string key, ServerMetadataService metadata)
    {
        var value = await metadata.GetAsync(Caller(context), id, key, context.RequestAborted);
        return TypedResults.Json(new { meta = new Dictionary<string, string> { [key] = value } });
    }

    private static async Task<IResult> Set(HttpContext context, string id, string key, JsonBody<MetaBody> body, ServerMetadataService metadata)
    {
        var meta = Items(body.Value.Meta, "meta");
        if (meta.Count > 1)
        {
            throw new FaultException(Fault.BadRequest("Request body contains too many items"));
        }

        await metadata.SetAsync(Caller(context), id, key, meta, context.RequestAborted);
        return TypedResults.Json(new { meta });
    }

    private static async Task<IResult> Delete(HttpContext context, string id, string key, ServerMetadataService metadata)
    {
        await metadata.DeleteAsync(Caller(context), id, key, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static ServerCaller Caller(HttpContext context) => ServerCaller.From(context.Caller());

    /// <summary>Nova's metadata schema; the metadata_items limit is checked against the server's total when it is written.</summary>
    private static Dictionary<string, string> Items(JsonElement value, string field) => ServerFields.Metadata(value, field, limit: -1);
}
