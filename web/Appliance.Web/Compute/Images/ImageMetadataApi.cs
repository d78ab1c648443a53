using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Appliance.Core.Images;
using Appliance.Core.Quotas;
using Appliance.Web.Faults;
using Appliance.Web.Image;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Images;

/// <summary>/images/{imageId}/metadata: all six verbs, keys and values up to 255, at most metadata_items items.</summary>
public static partial class ImageMetadataApi
{
    public sealed record MetadataBody([property: JsonPropertyName("metadata")] Dictionary<string, string?> Metadata);

    public sealed record MetaBody([property: JsonPropertyName("meta")] Dictionary<string, string?> Meta);

    public static void Map(RouteGroupBuilder metadata)
    {
        metadata.MapGet("", Index);
        metadata.MapPost("", Merge);
        metadata.MapPut("", ReplaceAll);
        metadata.MapGet("/{key}", ShowItem);
        metadata.MapPut("/{key}", SetItem);
        metadata.MapDelete("/{key}", DeleteItem);
    }

    private static async Task<Ok<ComputeImageView.Metadata>> Index(string imageId, [AsParameters] ComputeRequestServices services) =>
        TypedResults.Ok(new ComputeImageView.Metadata((await ComputeImagesApi.Find(services, imageId)).Properties));

    private static async Task<Ok<ComputeImageView.Meta>> ShowItem(string imageId, string key, [AsParameters] ComputeRequestServices services)
    {
        var image = await ComputeImagesApi.Find(services, imageId);
        return image.Properties.TryGetValue(key, out var value)
            ? TypedResults.Ok(new ComputeImageView.Meta(new Dictionary<string, string> { [key] = value }))
            : throw new FaultException(Fault.NotFound());
    }

    private static async Task<Ok<ComputeImageView.Metadata>> Merge(string imageId, JsonBody<MetadataBody> body, [AsParameters] ComputeRequestServices services)
    {
        var additions = Validated(body.Value.Metadata, "metadata");
        var image = await Change(services, imageId, current =>
        {
            var merged = new Dictionary<string, string>(current.Properties, StringComparer.Ordinal);
            foreach (var (key, value) in additions)
            {
                merged[key] = value;
            }

            return merged;
        });
        return TypedResults.Ok(new ComputeImageView.Metadata(image.Properties));
    }

    private static async Task<Ok<ComputeImageView.Metadata>> ReplaceAll(string imageId, JsonBody<MetadataBody> body, [AsParameters] ComputeRequestServices services)
    {
        var replacement = Validated(body.Value.Metadata, "metadata");
        await Change(services, imageId, _ => replacement);
        return TypedResults.Ok(new ComputeImageView.Metadata(replacement));
    }

    private static async Task<Ok<ComputeImageView.Meta>> SetItem(string imageId, string key, JsonBody<MetaBody> body, [AsParameters] ComputeRequestServices services)
    {
        var meta = Validated(body.Value.Meta, "meta");
        if (meta.Count != 1)
        {
            throw new FaultException(Fault.BadRequest("Invalid input for field/attribute meta. meta must hold exactly one item."));
        }

        if (!meta.ContainsKey(key))
        {
            throw new FaultException(Fault.BadRequest("Request body and URI mismatch"));
        }

        await Change(services, imageId, current => new Dictionary<string, string>(current.Properties, StringComparer.Ordinal) { [key] = meta[key] });
        return TypedResults.Ok(new ComputeImageView.Meta(meta));
    }

    private static async Task<NoContent> DeleteItem(string imageId, string key, [AsParameters] ComputeRequestServices services)
    {
        // Nova looks for the key before checking the caller may change the image: a missing key is 404 either way.
        var image = await ComputeImagesApi.Find(services, imageId);
        if (!image.Properties.ContainsKey(key))
        {
            throw new FaultException(Fault.NotFound("Invalid metadata key"));
        }

        await Change(services, imageId, current => current.Properties.Where(pair => pair.Key != key).ToDictionary(StringComparer.Ordinal));
        return TypedResults.NoContent();
    }

    /// <summary>Applies a change to the image's properties, refusing more items than the metadata quota allows.</summary>
    private static async Task<ImageRecord> Change(
        ComputeRequestServices services, string imageId, Func<ImageRecord, Dictionary<string, string>> change)
    {
        return await services.Images.UpdateAsync(services.Http.ImageCaller(), imageId, current =>
        {
            var properties = change(current);
            return properties.Count > DefaultQuotas.MetadataItems
                ? throw new FaultException(new Fault(403, "Image metadata limit exceeded"))
                : current with { Properties = properties };
        }, services.Aborted);
    }

    /// <summary>Nova's metadata schema: keys of 1-255 of [a-zA-Z0-9-_:. ], string values of at most 255.</summary>
    private static Dictionary<string, string> Validated(Dictionary<string, string?> items, string field)
    {
        var valid = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
        {
            if (!KeyPattern().IsMatch(key))
            {
                throw new FaultException(Fault.BadRequest(
                    $"Invalid input for field/attribute {field}. Key '{Shorten(key)}' must be 1 to 255 of the characters a-z A-Z 0-9 - _ : . and space."));
            }

            if (value is null || value.Length > 255)
            {
                throw new FaultException(Fault.BadRequest(
                    $"Invalid input for field/attribute {key}. Value must be a string of at most 255 characters."));
            }

            valid[key] = value;
        }

        return valid;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    [GeneratedRegex("^[a-zA-Z0-9-_:. ]{1,255}$")]
    private static partial Regex KeyPattern();
}
