using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Web.Faults;

namespace Appliance.Web.Compute.Servers;

/// <summary>Checks of single server fields shared by create, update and metadata, with Nova's 400 wording naming the field.</summary>
public static partial class ServerFields
{
    public static FaultException Invalid(string field, string reason) =>
        new(Fault.BadRequest($"Invalid input for field/attribute {field}. Value {reason}."));

    /// <summary>1-255 characters, not starting or ending with whitespace, no control characters.</summary>
    public static string Name(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw value.ValueKind == JsonValueKind.Undefined
                ? new FaultException(Fault.BadRequest($"'{field}' is a required property"))
                : Invalid(field, "must be a string");
        }

        var name = value.GetString()!;
        if (name.Length is 0 or > 255 || name.Trim() != name || name.Any(char.IsControl))
        {
            throw Invalid(field, "must be 1 to 255 printable characters without leading or trailing whitespace");
        }

        return name;
    }

    public static string? OptionalString(JsonElement value, string field, int minLength, int maxLength)
    {
        if (value.ValueKind is JsonValueKind.Undefined)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length < minLength || value.GetString()!.Length > maxLength)
        {
            throw Invalid(field, maxLength == int.MaxValue ? "must be a string" : $"must be a string of {minLength} to {maxLength} characters");
        }

        return value.GetString();
    }

    /// <summary>A metadata object: keys 1-255 of Nova's characters, string values up to 255; more than the limit is 403.</summary>
    public static Dictionary<string, string> Metadata(JsonElement value, string field, int limit)
    {
        var items = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value.ValueKind is JsonValueKind.Undefined)
        {
            return items;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(field, "must be an object of string keys and values");
        }

        foreach (var item in value.EnumerateObject())
        {
            if (!MetadataKeyPattern().IsMatch(item.Name))
            {
                throw Invalid(field, $"key '{Shorten(item.Name)}' must be 1 to 255 of a-z A-Z 0-9 - _ : . and space");
            }

            if (item.Value.ValueKind != JsonValueKind.String || item.Value.GetString()!.Length > 255)
            {
                throw Invalid(field, $"of '{Shorten(item.Name)}' must be a string of at most 255 characters");
            }

            items[item.Name] = item.Value.GetString()!;
        }

        return items.Count > limit && limit >= 0
            ? throw new FaultException(new Fault(403, $"Maximum number of metadata items exceeds {limit}"))
            : items;
    }

    /// <summary>
    /// An action's arguments that must be an object allowing only <paramref name="member"/>: its value, or Undefined
    /// when absent. Anything else is the schema's 400.
    /// </summary>
    public static JsonElement OnlyMember(JsonElement arguments, string action, string member)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(action, "must be an object");
        }

        JsonElement value = default;
        foreach (var property in arguments.EnumerateObject())
        {
            if (property.Name != member)
            {
                throw new FaultException(Fault.BadRequest($"Additional properties are not allowed ('{property.Name}' was unexpected)"));
            }

            value = property.Value;
        }

        return value;
    }

    public static string? DiskConfig(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined => null,
        JsonValueKind.String when value.GetString() is "AUTO" or "MANUAL" => value.GetString(),
        _ => throw Invalid("OS-DCF:diskConfig", "must be AUTO or MANUAL"),
    };

    public static string? Address(JsonElement value, string field, AddressFamily family)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && value.GetString() is { } text
            && (text.Length == 0 || (IPAddress.TryParse(text, out var address) && address.AddressFamily == family
                && (family != AddressFamily.InterNetwork || DottedQuad().IsMatch(text)))))
        {
            return text;
        }

        throw Invalid(field, family == AddressFamily.InterNetwork ? "must be an IPv4 address" : "must be an IPv6 address");
    }

    public static byte[] Base64(string text, string field)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Invalid(field, "must be base64 encoded");
        }
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;

    // .NET also reads "1.2.3" and "0x7f.1" as IPv4; the schema's ipv4 format wants four decimal parts.
    [GeneratedRegex(@"^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$")]
    private static partial Regex DottedQuad();

    [GeneratedRegex("^[a-zA-Z0-9-_:. ]{1,255}$")]
    private static partial Regex MetadataKeyPattern();
}
