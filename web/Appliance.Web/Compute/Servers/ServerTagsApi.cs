using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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

    private static async Task<IResult> List(HttpContext context, string id, ServerTagService tags) =>
        TypedResults.Json(new { tags = await tags.ListAsync(Caller(context), id, context.RequestAborted) });

    private static async Task<IResult> Replace(HttpContext context, string id, JsonBody<TagsBody> body, ServerTagService tags)
    {
        var requested = Tags(body.Value.Tags);
        return TypedResults.Json(new { tags = await tags.ReplaceAsync(Caller(context), id, requested, context.RequestAborted) });
    }

    private static async Task<IResult> DeleteAll(HttpContext context, string id, ServerTagService tags)
    {
        await tags.DeleteAllAsync(Caller(context), id, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Show(HttpContext context, string id, string tag, ServerTagService tags)
    {
        tag = Unescaped(tag);
        return await tags.HasAsync(Caller(context), id, tag, context.RequestAborted)
            ? TypedResults.NoContent()
            : throw new FaultException(Fault.NotFound($"Server {id} has no tag '{tag}'"));
    }

    private static async Task<IResult> Add(HttpContext context, string id, string tag, ServerTagService tags)
    {
        await RequireNoBodyAsync(context);
        tag = Unescaped(tag);
        if (!await tags.AddAsync(Caller(context), id, tag, context.RequestAborted))
        {
            return TypedResults.NoContent();
        }

        context.Response.Headers.Location = $"{ComputeLinks.Self(context.Request, "servers", id)}/tags/{Uri.EscapeDataString(tag)}";
        return TypedResults.StatusCode(StatusCodes.Status201Created);
    }

    private static async Task<IResult> Delete(HttpContext context, string id, string tag, ServerTagService tags)
    {
        await tags.DeleteAsync(Caller(context), id, Unescaped(tag), context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static ServerCaller Caller(HttpContext context) => ServerCaller.From(context.Caller());

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
