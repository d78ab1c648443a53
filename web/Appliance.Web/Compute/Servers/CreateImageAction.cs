using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Quotas;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// {"createImage": {"name": ..., "metadata": {...}}}: 202; the image's URL in Location before 2.45, {"image_id": ...} from 2.45.
/// </summary>
public static class CreateImageAction
{
    /// <summary>The answer from 2.45: the snapshot's image id in the body.</summary>
    public sealed record ImageId([property: JsonPropertyName("image_id")] string Id);

    public static async Task<Results<Accepted, Accepted<ImageId>>> InvokeAsync(ServerActionRequest request)
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
        var services = request.Services;
        var imageId = await services.Snapshots.CreateImageAsync(services.Caller, services.Operation, request.ServerId, imageName, properties, services.Aborted);
        if (services.Version >= ComputeMicroversions.ImageIdInBody)
        {
            return TypedResults.Accepted((string?)null, new ImageId(imageId));
        }

        var http = services.Request;
        return TypedResults.Accepted($"{http.Scheme}://{http.Host}{http.PathBase}/image/v2/images/{imageId}");
    }
}
