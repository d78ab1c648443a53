using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Json;

/// <summary>
/// A request body bound strictly: malformed JSON and fields the schema does not know are 400 faults,
/// never a framework error page. Handlers take it as a parameter: <c>(JsonBody&lt;CreateFlavor&gt; body)</c>.
/// </summary>
public sealed class JsonBody<T>(T value) where T : class
{
    public T Value { get; } = value;

    public static async ValueTask<JsonBody<T>?> BindAsync(HttpContext context)
    {
        try
        {
            var value = typeof(JsonNode).IsAssignableFrom(typeof(T))
                // The serializer's JsonObject converter lets a repeated member through, to throw ArgumentException on first use.
                ? await JsonNode.ParseAsync(context.Request.Body, documentOptions: StrictJson.DocumentOptions, cancellationToken: context.RequestAborted) as T
                : await JsonSerializer.DeserializeAsync<T>(context.Request.Body, StrictJson.Options, context.RequestAborted);
            return value is null ? throw new FaultException(Fault.BadRequest(Fault.MalformedBodyMessage)) : new JsonBody<T>(value);
        }
        catch (JsonException e)
        {
            throw new FaultException(Fault.BadRequest(StrictJson.Explain(e)));
        }
    }
}

/// <summary>The serializer settings for request bodies, and how their errors are told to clients.</summary>
public static class StrictJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        // {"a": 1, "a": 2}: which one counts is parser folklore (Python keeps the last), and a JsonObject body throws
        // ArgumentException on first use; refusing it is a 400 either way.
        AllowDuplicateProperties = false,
    };

    /// <summary>The same rules for bodies read as a JSON tree.</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>Says what was wrong in the client's terms (a JSON path), never naming our types.</summary>
    public static string Explain(JsonException error)
    {
        var field = string.IsNullOrEmpty(error.Path) || error.Path == "$" ? null : error.Path.TrimStart('$', '.');
        if (IsSyntaxError(error) || field is null && !error.Message.Contains(MissingRequired, StringComparison.Ordinal))
        {
            return Fault.MalformedBodyMessage;
        }

        if (error.Message.Contains(UnmappedMember, StringComparison.Ordinal))
        {
            var name = field![(field!.LastIndexOf('.') + 1)..];
            return $"Additional properties are not allowed ('{name}' was unexpected)";
        }

        if (error.Message.Contains(MissingRequired, StringComparison.Ordinal))
        {
            var names = error.Message[(error.Message.IndexOf(':') + 1)..].Trim().TrimEnd('.');
            return $"{names} is a required property";
        }

        return $"Invalid input for field/attribute {field}.";
    }

    private const string UnmappedMember = "could not be mapped to any .NET member";
    private const string MissingRequired = "missing required properties including:";

    /// <summary>The reader's own errors (bad tokens, truncation) arrive wrapped, with the reader's exception inside.</summary>
    private static bool IsSyntaxError(JsonException error) =>
        error.InnerException?.GetType().Name == "JsonReaderException";
}
