using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Servers;

/// <summary>/servers/{id}/tags (2.26+): list, replace and clear all tags; check, add and remove one.</summary>
public static class ServerTagsApi
{
    public sealed record TagsBody([property: JsonPropertyName("tags")] JsonElement Tags);

    public static IEndpointRouteBuilder MapServerTagsApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var tags = ComputeApiGroups.Group(routes, version, "/servers/{id}/tags")
                .AvailableFrom(ComputeMicroversions.ServerTags);
            tags.MapGet("", List);
            tags.MapPut("", Replace);
            tags.MapDelete("", DeleteAll);
            tags.MapGet("/{tag}", Show);
            tags.MapPut("/{tag}", Add);
            tags.MapDelete("/{tag}", Delete);
        }

        return routes;
    }

    /// <summary>A server's tags, as list and replace answer.</summary>
    public sealed record TagList([property: JsonPropertyName("tags")] IReadOnlyList<string> Tags);

    private static async Task<Ok<TagList>> List(string id, [AsParameters] ServerRequestServices services) =>
        TypedResults.Ok(new TagList(await services.Tags.ListAsync(services.Caller, id, services.Aborted)));

    private static async Task<Ok<TagList>> Replace(string id, JsonBody<TagsBody> body, [AsParameters] ServerRequestServices services)
    {
        var requested = Tags(body.Value.Tags);
        return TypedResults.Ok(new TagList(await services.Tags.ReplaceAsync(services.Caller, id, requested, services.Aborted)));
    }

    private static async Task<NoContent> DeleteAll(string id, [AsParameters] ServerRequestServices services)
    {
        await services.Tags.DeleteAllAsync(services.Caller, id, services.Aborted);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Show(string id, string tag, [AsParameters] ServerRequestServices services)
    {
        tag = Unescaped(tag);
        return await services.Tags.HasAsync(services.Caller, id, tag, services.Aborted)
            ? TypedResults.NoContent()
            : throw new FaultException(Fault.NotFound($"Server {id} has no tag '{tag}'"));
    }

    /// <summary>201 with the tag's URL when it is new, 204 when the server had it already.</summary>
    private static async Task<Results<Created, NoContent>> Add(string id, string tag, [AsParameters] ServerRequestServices services)
    {
        await RequireNoBodyAsync(services.Http);
        tag = Unescaped(tag);
        if (!await services.Tags.AddAsync(services.Caller, id, tag, services.Aborted))
        {
            return TypedResults.NoContent();
        }

        return TypedResults.Created($"{ComputeLinks.Self(services.Request, "servers", id)}/tags/{Uri.EscapeDataString(tag)}");
    }

    private static async Task<NoContent> Delete(string id, string tag, [AsParameters] ServerRequestServices services)
    {
        await services.Tags.DeleteAsync(services.Caller, id, Unescaped(tag), services.Aborted);
        return TypedResults.NoContent();
    }

    /// <summary>Nova's schema for the list: at most 50 strings, each 1-60 characters without '/' or ','.</summary>
    private static List<string> Tags(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ServerFields.Invalid("tags", "must be a list of strings");
        }

        if (value.GetArrayLength() > ServerTagRules.MaxPerServer)
        {
            throw ServerFields.Invalid("tags", $"must be a list of at most {ServerTagRules.MaxPerServer} tags");
        }

        var tags = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw ServerFields.Invalid("tags", "must be a list of strings");
            }

            var tag = item.GetString()!;
            if (ServerTagRules.Problem(tag) is { } problem)
            {
                throw new FaultException(Fault.BadRequest($"Invalid input for field/attribute tags. Value: {tag}. {problem}"));
            }

            tags.Add(tag);
        }

        return tags;
    }

    /// <summary>Nova's schema for adding one tag is "null": no body, or the JSON literal null.</summary>
    private static async Task RequireNoBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = (await reader.ReadToEndAsync(context.RequestAborted)).Trim();
        if (text.Length > 0 && text != "null")
        {
            throw ServerFields.Invalid("body", "must be empty or null");
        }
    }

    /// <summary>The router leaves an encoded '/' encoded; decoded, the tag rules can refuse it.</summary>
    private static string Unescaped(string tag) => tag.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
}
