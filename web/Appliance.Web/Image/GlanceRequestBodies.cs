using System.Text.Json.Nodes;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Appliance.Web.Image;

/// <summary>
/// The media types Glance takes, each refused with its own 415 when a request declares another, and the JSON bodies
/// read under them. Bodies bind themselves (BindAsync), so no handler parameter is ever inferred as a JSON body.
/// </summary>
public static class GlanceMediaTypes
{
    public const string Json = "application/json";
    public const string JsonPatch = "application/openstack-images-v2.1-json-patch";
    public const string LegacyJsonPatch = "application/openstack-images-v2.0-json-patch";
    public const string OctetStream = "application/octet-stream";

    /// <summary>415 unless the request declares one of <paramref name="accepted"/>; the message names the first.</summary>
    public static void Require(HttpRequest request, params string[] accepted)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
            || !accepted.Contains(parsed.MediaType.Value, StringComparer.OrdinalIgnoreCase))
        {
            throw new FaultException(new Fault(415, $"Unsupported Content-Type: use {accepted[0]}"));
        }
    }

    /// <summary>The body as a JSON tree (null for a literal null), after its media type is checked; malformed JSON is 400.</summary>
    public static async Task<JsonNode?> ReadJsonAsync(HttpContext context, params string[] accepted)
    {
        Require(context.Request, accepted);
        try
        {
            // A member given twice is refused here; JsonObject would otherwise throw ArgumentException on first use (a 500).
            return await JsonNode.ParseAsync(context.Request.Body, documentOptions: StrictJson.DocumentOptions, cancellationToken: context.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
            throw new FaultException(Fault.BadRequest(Fault.MalformedBodyMessage));
        }
    }
}

/// <summary>POST /v2/images's body: an image document, sent as application/json.</summary>
public sealed class GlanceImageDocument(JsonNode? value)
{
    public JsonNode? Value { get; } = value;

    public static async ValueTask<GlanceImageDocument?> BindAsync(HttpContext context) =>
        new(await GlanceMediaTypes.ReadJsonAsync(context, GlanceMediaTypes.Json));
}

/// <summary>PATCH /v2/images/{id}'s body: an openstack-images-v2.1 (or v2.0) json-patch document.</summary>
public sealed class GlanceJsonPatch(JsonNode? value)
{
    public JsonNode? Value { get; } = value;

    public static async ValueTask<GlanceJsonPatch?> BindAsync(HttpContext context) =>
        new(await GlanceMediaTypes.ReadJsonAsync(context, GlanceMediaTypes.JsonPatch, GlanceMediaTypes.LegacyJsonPatch));
}
