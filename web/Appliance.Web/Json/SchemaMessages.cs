using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Appliance.Web.Json;

/// <summary>
/// The messages Nova's jsonschema validation gives, word for word, for bodies checked by hand. Values are
/// shown as Python would: str() in "Value: ...", repr() inside the schema's own sentence.
/// </summary>
public static class SchemaMessages
{
    public static string InvalidField(string field, JsonNode? value, string message) =>
        $"Invalid input for field/attribute {field}. Value: {Str(value)}. {message}";

    public static string Required(string property) => $"'{property}' is a required property";

    public static string AdditionalProperties(IReadOnlyList<string> names) =>
        $"Additional properties are not allowed ({string.Join(", ", names.Select(ReprString))} {(names.Count == 1 ? "was" : "were")} unexpected)";

    public static string NotOfType(JsonNode? value, params string[] types) =>
        $"{Repr(value)} is not of type {string.Join(", ", types.Select(ReprString))}";

    public static string DoesNotMatch(JsonNode? value, string pattern) => $"{Repr(value)} does not match {ReprString(pattern)}";

    public static string LessThanMinimum(long value, long minimum) =>
        string.Create(CultureInfo.InvariantCulture, $"{value} is less than the minimum of {minimum}");

    public static string GreaterThanMaximum(long value, long maximum) =>
        string.Create(CultureInfo.InvariantCulture, $"{value} is greater than the maximum of {maximum}");

    public static string NotOneOf(JsonNode? value, string enumRepr) => $"{Repr(value)} is not one of {enumRepr}";

    /// <summary>Python's str() of a JSON value.</summary>
    public static string Str(JsonNode? value) =>
        value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>() : Repr(value);

    /// <summary>Python's repr() of a JSON value, as json.loads would have made it.</summary>
    public static string Repr(JsonNode? value) => value switch
    {
        null => "None",
        JsonObject obj => "{" + string.Join(", ", obj.Select(pair => $"{ReprString(pair.Key)}: {Repr(pair.Value)}")) + "}",
        JsonArray array => "[" + string.Join(", ", array.Select(Repr)) + "]",
        JsonValue scalar => scalar.GetValueKind() switch
        {
            JsonValueKind.String => ReprString(scalar.GetValue<string>()),
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            _ => scalar.ToJsonString(),
        },
        _ => value.ToJsonString(),
    };

    /// <summary>Python quotes with ' unless the text holds a ' and no ".</summary>
    public static string ReprString(string text)
    {
        var quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        var escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal);
        if (quote == '\'')
        {
            escaped = escaped.Replace("'", "\\'", StringComparison.Ordinal);
        }

        return $"{quote}{escaped}{quote}";
    }
}
