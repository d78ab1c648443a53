using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Image;

/// <summary>/image/v2/images/{id}/file: the image's bytes, streamed in (octet-stream, to disk) and out.</summary>
public static class GlanceImageDataApi
{
    public static void Map(RouteGroupBuilder images)
    {
        // The upload streams past the 112 KiB body limit (and Kestrel's own); the image quota bounds it instead.
        images.MapPut("/{id}/file", Upload).AllowLargeBody();
        images.MapGet("/{id}/file", Download);
    }

    /// <summary>
    /// Reads the request's body stream itself: no parameter here binds from the body, so routing declares no accepted
    /// media type and this handler alone answers another type with Glance's 415.
    /// </summary>
    private static async Task<NoContent> Upload(string id, [AsParameters] GlanceRequestServices services)
    {
        GlanceMediaTypes.Require(services.Request, GlanceMediaTypes.OctetStream);
        await services.Images.UploadAsync(services.Writer, id, services.Request.Body, services.Aborted);
        return TypedResults.NoContent();
    }

    /// <summary>The bytes with their MD5 as Content-MD5; 204 for an image that holds no bytes yet, as Glance answers.</summary>
    private static async Task<Results<NoContent, FileStreamHttpResult>> Download(string id, [AsParameters] GlanceRequestServices services)
    {
        var (image, data) = await services.Images.OpenDataAsync(services.Caller, id, services.Aborted);
        if (data is null)
        {
            return TypedResults.NoContent();
        }

        if (image.Checksum is not null)
        {
            services.Http.Response.Headers["Content-MD5"] = image.Checksum;
        }

        return TypedResults.Stream(data, GlanceMediaTypes.OctetStream);
    }
}
