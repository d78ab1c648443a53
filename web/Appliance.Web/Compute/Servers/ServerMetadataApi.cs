using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

    /// <summary>A server's metadata, as list, merge and replace answer.</summary>
    public sealed record MetadataItems([property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, string> Metadata);

    /// <summary>One metadata item, as show and set answer.</summary>
    public sealed record MetaItem([property: JsonPropertyName("meta")] IReadOnlyDictionary<string, string> Meta);

    private static async Task<Ok<MetadataItems>> List(string id, [AsParameters] ServerRequestServices services) =>
        TypedResults.Ok(new MetadataItems(await services.Metadata.ListAsync(services.Caller, id, services.Aborted)));

    private static async Task<Ok<MetadataItems>> Merge(string id, JsonBody<MetadataBody> body, [AsParameters] ServerRequestServices services)
    {
        var items = Items(body.Value.Metadata, "metadata");
        return TypedResults.Ok(new MetadataItems(await services.Metadata.MergeAsync(services.Caller, id, items, services.Aborted)));
    }

    private static async Task<Ok<MetadataItems>> Replace(string id, JsonBody<MetadataBody> body, [AsParameters] ServerRequestServices services)
    {
        var items = Items(body.Value.Metadata, "metadata");
        return TypedResults.Ok(new MetadataItems(await services.Metadata.ReplaceAsync(services.Caller, id, items, services.Aborted)));
    }

    private static async Task<Ok<MetaItem>> Show(string id, string key, [AsParameters] ServerRequestServices services)
    {
        var value = await services.Metadata.GetAsync(services.Caller, id, key, services.Aborted);
        return TypedResults.Ok(new MetaItem(new Dictionary<string, string> { [key] = value }));
    }

    private static async Task<Ok<MetaItem>> Set(string id, string key, JsonBody<MetaBody> body, [AsParameters] ServerRequestServices services)
    {
        var meta = Items(body.Value.Meta, "meta");
        if (meta.Count > 1)
        {
            throw new FaultException(Fault.BadRequest("Request body contains too many items"));
        }

        await services.Metadata.SetAsync(services.Caller, id, key, meta, services.Aborted);
        return TypedResults.Ok(new MetaItem(meta));
    }

    private static async Task<NoContent> Delete(string id, string key, [AsParameters] ServerRequestServices services)
    {
        await services.Metadata.DeleteAsync(services.Caller, id, key, services.Aborted);
        return TypedResults.NoContent();
    }

    /// <summary>Nova's metadata schema; the metadata_items limit is checked against the server's total when it is written.</summary>
    private static Dictionary<string, string> Items(JsonElement value, string field) => ServerFields.Metadata(value, field, limit: -1);
}
