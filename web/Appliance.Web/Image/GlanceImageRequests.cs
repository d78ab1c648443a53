using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Core.Images;
using Appliance.Web.Faults;

namespace Appliance.Web.Image;

/// <summary>
/// Reads Glance's create body and JSON-patch documents into the store's terms, refusing with 400 what
/// does not fit the image schema and with 403 what touches read-only or reserved attributes.
/// </summary>
public static class GlanceImageRequests
{
    public static NewImage ParseCreate(JsonNode? body)
    {
        if (body is not JsonObject fields)
        {
            throw Invalid("Body must be a JSON object describing the image.");
        }

        var image = new NewImage();
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            CheckWritable(name);
            image = name switch
            {
                "id" => image with { Id = Uuid(value, name) },
                "owner" => image with { Owner = OptionalString(value, name, GlanceImageFields.MaxNameLength) },
                _ when GlanceImageFields.Core.Contains(name) => Apply(image, name, value),
                _ => image,
            };
            if (!GlanceImageFields.Core.Contains(name))
            {
                properties[name] = PropertyValue(name, value);
            }
        }

        return image with { Properties = properties };
    }

    /// <summary>Applies an openstack-images-v2.1-json-patch document: add, replace and remove on top-level paths.</summary>
    public static ImageRecord ApplyPatch(ImageRecord image, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw Invalid("Request body must be a JSON array of operation objects.");
        }

        var properties = new Dictionary<string, string>(image.Properties, StringComparer.Ordinal);
        var asNew = ToNew(image);
        foreach (var node in operations)
        {
            if (node is not JsonObject operation
                || operation["op"] is not JsonValue opValue || !opValue.TryGetValue<string>(out var op)
                || operation["path"] is not JsonValue pathValue || !pathValue.TryGetValue<string>(out var path))
            {
                throw Invalid("Operations must be JSON objects with 'op' and 'path'.");
            }

            var name = AttributeName(path);
            CheckWritable(name);
            if (name == "id" || name == "owner")
            {
                throw new FaultException(new Fault(403, $"Attribute '{name}' is read-only."));
            }

            switch (op)
            {
                case "add" or "replace":
                    if (!operation.ContainsKey("value"))
                    {
                        throw Invalid($"Operation \"{op}\" requires a member named \"value\".");
                    }

                    if (GlanceImageFields.Core.Contains(name))
                    {
                        asNew = Apply(asNew, name, operation["value"]);
                    }
                    else if (op == "replace" && !properties.ContainsKey(name))
                    {
                        throw new FaultException(new Fault(409, $"Property {name} does not exist."));
                    }
                    else
                    {
                        properties[name] = PropertyValue(name, operation["value"]);
                    }

                    break;
                case "remove":
                    if (GlanceImageFields.Core.Contains(name))
                    {
                        throw new FaultException(new Fault(403, $"Properties {name} cannot be removed."));
                    }

                    if (!properties.Remove(name))
                    {
                        throw new FaultException(new Fault(409, $"Property {name} does not exist."));
                    }

                    break;
                default:
                    throw Invalid($"Invalid operation: `{op}`.");
            }
        }

        return image with
        {
            Name = asNew.Name,
            Visibility = asNew.Visibility,
            Protected = asNew.Protected,
            OsHidden = asNew.OsHidden,
            DiskFormat = asNew.DiskFormat,
            ContainerFormat = asNew.ContainerFormat,
            MinDisk = asNew.MinDisk,
            MinRam = asNew.MinRam,
            Tags = asNew.Tags,
            Properties = properties,
        };
    }

    private static NewImage ToNew(ImageRecord image) => new()
    {
        Name = image.Name,
        Visibility = image.Visibility,
        Protected = image.Protected,
        OsHidden = image.OsHidden,
        DiskFormat = image.DiskFormat,
        ContainerFormat = image.ContainerFormat,
        MinDisk = image.MinDisk,
        MinRam = image.MinRam,
        Tags = image.Tags,
    };

    private static NewImage Apply(NewImage image, string name, JsonNode? value) => name switch
    {
        "name" => image with { Name = OptionalString(value, name, GlanceImageFields.MaxNameLength) },
        "visibility" => image with { Visibility = OneOf(value, name, ImageVisibility.All) },
        "protected" => image with { Protected = Boolean(value, name) },
        "os_hidden" => image with { OsHidden = Boolean(value, name) },
        "disk_format" => image with { DiskFormat = OptionalOneOf(value, name, ImageFormats.Disk) },
        "container_format" => image with { ContainerFormat = OptionalOneOf(value, name, ImageFormats.Container) },
        "min_disk" => image with { MinDisk = NonNegative(value, name) },
        "min_ram" => image with { MinRam = NonNegative(value, name) },
        "tags" => image with { Tags = Tags(value) },
        _ => image,
    };

    private static string AttributeName(string path)
    {
        var name = path.StartsWith('/') ? path[1..] : path;
        if (name.Length == 0 || name.Contains('/'))
        {
            throw Invalid($"Invalid JSON pointer for this resource: '{path}'");
        }

        // JSON pointer escapes: ~1 is '/', ~0 is '~'.
        return name.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
    }

    private static void CheckWritable(string name)
    {
        if (GlanceImageFields.ReadOnly.Contains(name))
        {
            throw new FaultException(new Fault(403, $"Attribute '{name}' is read-only."));
        }

        if (GlanceImageFields.Reserved.Contains(name))
        {
            throw new FaultException(new Fault(403, $"Attribute '{name}' is reserved."));
        }

        if (name.Length > GlanceImageFields.MaxPropertyLength)
        {
            throw Invalid($"Property name '{name[..32]}...' is longer than {GlanceImageFields.MaxPropertyLength} characters.");
        }
    }

    private static string PropertyValue(string name, JsonNode? value) =>
        value is JsonValue json && json.GetValueKind() == JsonValueKind.String
            ? Limited(json.GetValue<string>(), name, 65535)
            : throw Invalid($"Provided object does not match schema 'image': property {name} must be a string.");

    private static string? OptionalString(JsonNode? value, string name, int maxLength) => value switch
    {
        null => null,
        JsonValue json when json.GetValueKind() == JsonValueKind.String => Limited(json.GetValue<string>(), name, maxLength),
        _ => throw Invalid($"Invalid value for {name}: must be a string or null."),
    };

    private static string Limited(string text, string name, int maxLength) =>
        text.Length <= maxLength ? text : throw Invalid($"Invalid value for {name}: longer than {maxLength} characters.");

    private static string Uuid(JsonNode? value, string name) =>
        OptionalString(value, name, 36) is { } text && Guid.TryParse(text, out var id)
            ? id.ToString()
            : throw Invalid($"Invalid value for {name}: must be a UUID.");

    private static string OneOf(JsonNode? value, string name, IReadOnlySet<string> allowed) =>
        OptionalString(value, name, 64) is { } text && allowed.Contains(text)
            ? text
            : throw Invalid($"Invalid value for {name}: must be one of {string.Join(", ", allowed.Order())}.");

    private static string? OptionalOneOf(JsonNode? value, string name, IReadOnlySet<string> allowed) =>
        value is null ? null : OneOf(value, name, allowed);

    private static bool Boolean(JsonNode? value, string name) =>
        value is JsonValue json && json.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? json.GetValue<bool>()
            : throw Invalid($"Invalid value for {name}: must be a boolean.");

    private static int NonNegative(JsonNode? value, string name) =>
        value is JsonValue json && json.GetValueKind() == JsonValueKind.Number && json.TryGetValue<int>(out var number) && number >= 0
            ? number
            : throw Invalid($"Invalid value for {name}: must be an integer of at least 0.");

    private static List<string> Tags(JsonNode? value)
    {
        if (value is not JsonArray array || array.Count > GlanceImageFields.MaxTags)
        {
            throw Invalid($"Invalid value for tags: must be an array of at most {GlanceImageFields.MaxTags} strings.");
        }

        return array.Select(tag => OptionalString(tag, "tags", GlanceImageFields.MaxPropertyLength)
            ?? throw Invalid("Invalid value for tags: tags are strings.")).Distinct(StringComparer.Ordinal).ToList();
    }

    private static FaultException Invalid(string message) => new(Fault.BadRequest(message));
}
