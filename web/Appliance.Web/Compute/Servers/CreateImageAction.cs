using Appliance.Core.Quotas;
using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// {"createImage": {"name": ..., "metadata": {...}}}: 202; the image's URL in Location before 2.45, {"image_id": ...} from 2.45.
/// </summary>
public static class CreateImageAction
{
    public static async Task<IResult> InvokeAsync(ServerActionRequest request)
    {
        var arguments = request.Arguments;
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            throw ServerFields.Invalid("createImage", "must be an object");
        }

        JsonElement name = default, metadata = default;
        foreach (var property in arguments.EnumerateObject())
        {
            switch (property.Name)
            {
                case "name": name = property.Value; break;
                case "metadata": metadata = property.Value; break;
                default: throw new FaultException(Fault.BadRequest($"Additional properties are not allowed ('{property.Name}' was unexpected)"));
            }
        }

        var imageName = ServerFields.Name(name, "name");
        var properties = ServerFields.Metadata(metadata, "metadata", DefaultQuotas.MetadataItems);
        var context = request.Context;
        var caller = ServerCaller.From(context.Caller());
        var imageId = await context.RequestServices.GetRequiredService<ServerSnapshotService>()
            .CreateImageAsync(caller, ServersApi.Operation(context, caller), request.ServerId, imageName, properties, context.RequestAborted);
        if (context.ComputeVersion() >= ComputeMicroversions.ImageIdInBody)
        {
            return TypedResults.Json(new { image_id = imageId }, statusCode: StatusCodes.Status202Accepted);
        }

        context.Response.Headers.Location = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/image/v2/images/{imageId}";
        return TypedResults.StatusCode(StatusCodes.Status202Accepted);
    }
}
