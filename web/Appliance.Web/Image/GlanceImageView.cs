using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Appliance.Core.Images;

namespace Appliance.Web.Image;

/// <summary>Glance v2's image document: fixed fields, then each free-form property at the top level.</summary>
public static class GlanceImageView
{
    /// <summary>GET /v2/images: one page of image documents, and the next page's link while there may be more.</summary>
    public sealed record ImageList(
        [property: JsonPropertyName("images")] IReadOnlyList<JsonObject> Images,
        [property: JsonPropertyName("first")] string First,
        [property: JsonPropertyName("schema")] string Schema,
        [property: JsonPropertyName("next"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next);

    public static JsonObject Show(ImageRecord image)
    {
        var body = new JsonObject
        {
            ["id"] = image.Id,
            ["name"] = image.Name,
            ["status"] = image.Status,
            ["visibility"] = image.Visibility,
            ["protected"] = image.Protected,
            ["os_hidden"] = image.OsHidden,
            ["checksum"] = image.Checksum,
            ["os_hash_algo"] = image.OsHashAlgo,
            ["os_hash_value"] = image.OsHashValue,
            ["owner"] = image.Owner,
            ["size"] = image.Size,
            ["virtual_size"] = image.VirtualSize,
            ["min_ram"] = image.MinRam,
            ["min_disk"] = image.MinDisk,
            ["disk_format"] = image.DiskFormat,
            ["container_format"] = image.ContainerFormat,
            ["created_at"] = Timestamp(image.CreatedAt),
            ["updated_at"] = Timestamp(image.UpdatedAt),
            ["tags"] = new JsonArray(image.Tags.Select(tag => (JsonNode?)JsonValue.Create(tag)).ToArray()),
            ["self"] = $"/v2/images/{image.Id}",
            ["file"] = $"/v2/images/{image.Id}/file",
            ["schema"] = "/v2/schemas/image",
        };
        foreach (var (name, value) in image.Properties)
        {
            body[name] = value;
        }

        return body;
    }

    /// <summary>Glance prints times to the second, in UTC, with a Z.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
