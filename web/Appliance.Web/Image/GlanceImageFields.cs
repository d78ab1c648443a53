namespace Appliance.Web.Image;

/// <summary>Which image attributes a client may set, which only the store sets, and which none may use.</summary>
public static class GlanceImageFields
{
    public static readonly IReadOnlySet<string> ReadOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "status", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value", "created_at", "updated_at",
        "self", "file", "schema", "direct_url", "locations",
    };

    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "deleted", "deleted_at", "location",
    };

    /// <summary>Attributes with their own column; anything else a client sends is a free-form string property.</summary>
    public static readonly IReadOnlySet<string> Core = new HashSet<string>(StringComparer.Ordinal)
    {
        "id", "name", "visibility", "protected", "os_hidden", "disk_format", "container_format",
        "min_disk", "min_ram", "tags", "owner",
    };

    public const int MaxNameLength = 255;
    public const int MaxPropertyLength = 255;
    public const int MaxTags = 128;
}
