using Appliance.Core.Images;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Image;

/// <summary>Turns the image store's refusals into faults with Glance's status codes.</summary>
public sealed class ImageFaults : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ImageException e)
        {
            throw new FaultException(ToFault(e));
        }
    }

    public static Fault ToFault(ImageException e) => new(e.Kind switch
    {
        ImageErrorKind.NotFound => 404,
        ImageErrorKind.Invalid => 400,
        ImageErrorKind.Conflict => 409,
        ImageErrorKind.Forbidden => 403,
        ImageErrorKind.QuotaExceeded or ImageErrorKind.TooLarge => 413,
        ImageErrorKind.NoData => 204,
        _ => 500,
    }, e.Message);
}
