using Appliance.Web.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Image;

/// <summary>/image/v2/images/{id}/tags/{tag}: adding a tag twice is a no-op, removing a missing one is 404.</summary>
public static class GlanceImageTagsApi
{
    public static void Map(RouteGroupBuilder images)
    {
        images.MapPut("/{id}/tags/{tag}", Add);
        images.MapDelete("/{id}/tags/{tag}", Remove);
    }

    private static async Task<NoContent> Add(string id, string tag, [AsParameters] GlanceRequestServices services)
    {
        if (tag.Length > GlanceImageFields.MaxPropertyLength)
        {
            throw new FaultException(Fault.BadRequest($"Tag is longer than {GlanceImageFields.MaxPropertyLength} characters."));
        }

        await services.Images.UpdateAsync(services.Writer, id, image => image.Tags.Contains(tag)
            ? image
            : image.Tags.Count >= GlanceImageFields.MaxTags
                ? throw new FaultException(new Fault(413, $"Maximum number of tags exceeded ({GlanceImageFields.MaxTags})."))
                : image with { Tags = [.. image.Tags, tag] }, services.Aborted);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Remove(string id, string tag, [AsParameters] GlanceRequestServices services)
    {
        await services.Images.UpdateAsync(services.Writer, id, image => image.Tags.Contains(tag)
            ? image with { Tags = image.Tags.Where(existing => existing != tag).ToList() }
            : throw new FaultException(Fault.NotFound($"Tag {tag} not found.")), services.Aborted);
        return TypedResults.NoContent();
    }
}
