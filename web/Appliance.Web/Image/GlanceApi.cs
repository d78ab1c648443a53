using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Image;

/// <summary>
/// The Glance v2 slice under /image: enough for `openstack image create --file`, `image list`, `image show`,
/// `image set --property`, `image delete` and tags. Uploads stream to disk and are never held in memory.
/// </summary>
public static class GlanceApi
{
    public const string Prefix = "/image";

    public static IEndpointRouteBuilder MapGlanceApi(this IEndpointRouteBuilder routes)
    {
        GlanceVersionsApi.Map(routes);
        var images = routes.MapGroup(Prefix + "/v2/images");
        GlanceImagesApi.Map(images);
        GlanceImageDataApi.Map(images);
        GlanceImageTagsApi.Map(images);
        return routes;
    }
}
