using System.Text.Json.Nodes;
using Appliance.Core.Images;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Appliance.Web.Image;

/// <summary>
/// The Glance v2 slice under /image: enough for `openstack image create --file`, `image list`, `image show`,
/// `image set --property`, `image delete` and tags. Uploads stream to disk and are never held in memory.
/// </summary>
public static class GlanceApi
{
    public const string Prefix = "/image";
    private const string JsonPatchMediaType = "application/openstack-images-v2.1-json-patch";
    private const string LegacyJsonPatchMediaType = "application/openstack-images-v2.0-json-patch";

    public static IEndpointRouteBuilder MapGlanceApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Prefix, Versions);
        routes.MapGet(Prefix + "/versions", Versions);

        var images = routes.MapGroup(Prefix + "/v2/images");
        images.MapGet("", List);
        images.MapPost("", Create);
        images.MapGet("/{id}", Show);
        images.MapPatch("/{id}", Update);
        images.MapDelete("/{id}", Delete);
        images.MapPut("/{id}/file", Upload).AllowLargeBody();
        images.MapGet("/{id}/file", Download);
        images.MapPut("/{id}/tags/{tag}", AddTag);
        images.MapDelete("/{id}/tags/{tag}", RemoveTag);
        return routes;
    }

    /// <summary>Glance answers its root with 300 Multiple Choices and the versions it speaks.</summary>
    private static IResult Versions(HttpRequest request)
    {
        var self = $"{request.BaseUrl()}{Prefix}/v2/";
        var versions = new JsonArray();
        foreach (var (id, status) in new[] { ("v2.9", "CURRENT"), ("v2.8", "SUPPORTED"), ("v2.7", "SUPPORTED"), ("v2.6", "SUPPORTED"), ("v2.5", "SUPPORTED"), ("v2.4", "SUPPORTED"), ("v2.3", "SUPPORTED"), ("v2.2", "SUPPORTED"), ("v2.1", "SUPPORTED"), ("v2.0", "SUPPORTED") })
        {
            versions.Add(new JsonObject { ["id"] = id, ["status"] = status, ["links"] = new JsonArray(new JsonObject { ["rel"] = "self", ["href"] = self }) });
        }

        var body = new JsonObject { ["versions"] = versions };
        return request.Path.Value!.EndsWith("/versions", StringComparison.Ordinal)
            ? TypedResults.Json(body)
            : TypedResults.Json(body, statusCode: StatusCodes.Status300MultipleChoices);
    }

    private static async Task<IResult> List(HttpContext context, ImageService images)
    {
        var query = GlanceListQuery.Parse(context.Request.Query);
        var (page, more) = await images.ListAsync(context.ImageCaller(), query, context.RequestAborted);
        var body = new JsonObject
        {
            ["images"] = new JsonArray(page.Select(image => (JsonNode)GlanceImageView.Show(image)).ToArray()),
            ["first"] = "/v2/images",
            ["schema"] = "/v2/schemas/images",
        };
        if (more && page.Count > 0)
        {
            body["next"] = NextLink(context.Request.Query, page[^1].Id);
        }

        return TypedResults.Json(body);
    }

    private static async Task<IResult> Create(HttpContext context, ImageService images)
    {
        RequireMediaType(context.Request, "application/json");
        var body = await ReadJsonAsync(context);
        var image = await images.CreateAsync(context.ImageWriter(), GlanceImageRequests.ParseCreate(body), context.RequestAborted);
        return TypedResults.Json(GlanceImageView.Show(image), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> Show(HttpContext context, string id, ImageService images) =>
        TypedResults.Json(GlanceImageView.Show(await images.GetAsync(context.ImageCaller(), id, context.RequestAborted)));

    private static async Task<IResult> Update(HttpContext context, string id, ImageService images)
    {
        RequireMediaType(context.Request, JsonPatchMediaType, LegacyJsonPatchMediaType);
        var patch = await ReadJsonAsync(context);
        var image = await images.UpdateAsync(context.ImageWriter(), id, current => GlanceImageRequests.ApplyPatch(current, patch), context.RequestAborted);
        return TypedResults.Json(GlanceImageView.Show(image));
    }

    private static async Task<IResult> Delete(HttpContext context, string id, ImageService images)
    {
        await images.DeleteAsync(context.ImageWriter(), id, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Upload(HttpContext context, string id, ImageService images)
    {
        RequireMediaType(context.Request, "application/octet-stream");
        await images.UploadAsync(context.ImageWriter(), id, context.Request.Body, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Download(HttpContext context, string id, ImageService images)
    {
        var (image, data) = await images.OpenDataAsync(context.ImageCaller(), id, context.RequestAborted);
        if (data is null)
        {
            // Glance answers 204 for an image that holds no bytes yet.
            return TypedResults.NoContent();
        }

        if (image.Checksum is not null)
        {
            context.Response.Headers["Content-MD5"] = image.Checksum;
        }

        return TypedResults.Stream(data, "application/octet-stream");
    }

    private static async Task<IResult> AddTag(HttpContext context, string id, string tag, ImageService images)
    {
        if (tag.Length > GlanceImageFields.MaxPropertyLength)
        {
            throw new FaultException(Fault.BadRequest($"Tag is longer than {GlanceImageFields.MaxPropertyLength} characters."));
        }

        await images.UpdateAsync(context.ImageWriter(), id, image => image.Tags.Contains(tag)
            ? image
            : image.Tags.Count >= GlanceImageFields.MaxTags
                ? throw new FaultException(new Fault(413, $"Maximum number of tags exceeded ({GlanceImageFields.MaxTags})."))
                : image with { Tags = [.. image.Tags, tag] }, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> RemoveTag(HttpContext context, string id, string tag, ImageService images)
    {
        await images.UpdateAsync(context.ImageWriter(), id, image => image.Tags.Contains(tag)
            ? image with { Tags = image.Tags.Where(existing => existing != tag).ToList() }
            : throw new FaultException(Fault.NotFound($"Tag {tag} not found.")), context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static void RequireMediaType(HttpRequest request, params string[] accepted)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
            || !accepted.Contains(parsed.MediaType.Value, StringComparer.OrdinalIgnoreCase))
        {
            throw new FaultException(new Fault(415, $"Unsupported Content-Type: use {accepted[0]}"));
        }
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            // A member given twice is refused here; JsonObject would otherwise throw ArgumentException on first use (a 500).
            return await JsonNode.ParseAsync(context.Request.Body, documentOptions: StrictJson.DocumentOptions, cancellationToken: context.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
            throw new FaultException(Fault.BadRequest(Fault.MalformedBodyMessage));
        }
    }

    private static string NextLink(IQueryCollection query, string marker)
    {
        var parameters = query
            .Where(pair => pair.Key != "marker")
            .SelectMany(pair => pair.Value.Select(value => new KeyValuePair<string, StringValues>(pair.Key, value)))
            .Append(new KeyValuePair<string, StringValues>("marker", marker));
        return "/v2/images" + QueryString.Create(parameters).ToUriComponent();
    }
}
