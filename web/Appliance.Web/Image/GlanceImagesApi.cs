using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace Appliance.Web.Image;

/// <summary>/image/v2/images and /image/v2/images/{id}: list, create, show, json-patch update and delete.</summary>
public static class GlanceImagesApi
{
    public static void Map(RouteGroupBuilder images)
    {
        images.MapGet("", List);
        images.MapPost("", Create);
        images.MapGet("/{id}", Show);
        images.MapPatch("/{id}", Update);
        images.MapDelete("/{id}", Delete);
    }

    private static async Task<Ok<GlanceImageView.ImageList>> List([AsParameters] GlanceRequestServices services)
    {
        var query = GlanceListQuery.Parse(services.Query);
        var (page, more) = await services.Images.ListAsync(services.Caller, query, services.Aborted);
        var next = more && page.Count > 0 ? NextLink(services.Query, page[^1].Id) : null;
        return TypedResults.Ok(new GlanceImageView.ImageList(page.Select(GlanceImageView.Show).ToList(), "/v2/images", "/v2/schemas/images", next));
    }

    /// <summary>201 with the new image's document; 415 unless the body is application/json (checked as it binds).</summary>
    private static async Task<Created<JsonObject>> Create(GlanceImageDocument body, [AsParameters] GlanceRequestServices services)
    {
        // The caller's right to write is checked before the document's fields, as it always was.
        var image = await services.Images.CreateAsync(services.Writer, GlanceImageRequests.ParseCreate(body.Value), services.Aborted);
        // Glance gives no Location header: the body's "self" is the image's address.
        return TypedResults.Created((string?)null, GlanceImageView.Show(image));
    }

    private static async Task<Ok<JsonObject>> Show(string id, [AsParameters] GlanceRequestServices services) =>
        TypedResults.Ok(GlanceImageView.Show(await services.Images.GetAsync(services.Caller, id, services.Aborted)));

    /// <summary>Applies a json-patch document (its media type checked as it binds) and answers the changed image.</summary>
    private static async Task<Ok<JsonObject>> Update(string id, GlanceJsonPatch patch, [AsParameters] GlanceRequestServices services)
    {
        var image = await services.Images.UpdateAsync(services.Writer, id, current => GlanceImageRequests.ApplyPatch(current, patch.Value), services.Aborted);
        return TypedResults.Ok(GlanceImageView.Show(image));
    }

    private static async Task<NoContent> Delete(string id, [AsParameters] GlanceRequestServices services)
    {
        await services.Images.DeleteAsync(services.Writer, id, services.Aborted);
        return TypedResults.NoContent();
    }

    /// <summary>The same query with the last image as the marker.</summary>
    private static string NextLink(IQueryCollection query, string marker)
    {
        var parameters = query
            .Where(pair => pair.Key != "marker")
            .SelectMany(pair => pair.Value.Select(value => new KeyValuePair<string, StringValues>(pair.Key, value)))
            .Append(new KeyValuePair<string, StringValues>("marker", marker));
        return "/v2/images" + QueryString.Create(parameters).ToUriComponent();
    }
}
