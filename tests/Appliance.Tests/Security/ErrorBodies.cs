using System.Text.Json;

namespace Appliance.Tests.Security;

/// <summary>
/// The error body each service must answer with: Compute (and Image, which shares the appliance's fault middleware,
/// and anything unrouted) a Nova fault <c>{"&lt;name&gt;": {"code", "message"}}</c> whose name Nova's wsgi layer gives
/// the code; Identity Keystone's <c>{"error": {"code", "title", "message"}}</c>; Network Neutron's <c>{"NeutronError": {"type", "message", "detail"}}</c>. The status page only must not fail.
/// </summary>
public static class ErrorBodies
{
    /// <summary>nova/api/openstack/wsgi.py's map from status to fault name, written out again so the test does not trust the product's copy.</summary>
    private static readonly Dictionary<int, string> NovaFaultNames = new()
    {
        [400] = "badRequest",
        [401] = "unauthorized",
        [403] = "forbidden",
        [404] = "itemNotFound",
        [405] = "badMethod",
        [409] = "conflictingRequest",
        [413] = "overLimit",
        [415] = "badMediaType",
        [429] = "overLimit",
        [501] = "notImplemented",
        [503] = "serviceUnavailable",
    };

    /// <summary>Null when <paramref name="body"/> is the right error for <paramref name="status"/>, else what is wrong.</summary>
    public static string? Problem(ApiService service, int status, string? contentType, string body)
    {
        if (status < 400 || service == ApiService.StatusPage)
        {
            return null;
        }

        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return $"error answered as {contentType ?? "no content type"}";
        }

        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return "error body is not JSON";
        }

        if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Count() != 1)
        {
            return "error body is not an object with one member";
        }

        var member = root.EnumerateObject().Single();
        var detail = member.Value;
        if (service == ApiService.Network)
        {
            // Neutron's body carries no code: {"NeutronError": {"type", "message", "detail"}}.
            return member.Name == "NeutronError" && detail.ValueKind == JsonValueKind.Object
                && detail.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString()!.Length > 0
                && detail.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String && text.GetString()!.Length > 0
                && detail.TryGetProperty("detail", out _)
                ? null
                : "network error is not Neutron's {\"NeutronError\": {type, message, detail}}";
        }

        if (detail.ValueKind != JsonValueKind.Object
            || !detail.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Number || code.GetInt32() != status
            || !detail.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String || message.GetString()!.Length == 0)
        {
            return $"error body lacks code {status} or a message";
        }

        if (service == ApiService.Identity)
        {
            return member.Name == "error" && detail.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String
                ? null
                : $"identity error is not Keystone's {{\"error\": {{code, title, message}}}}";
        }

        var expected = NovaFaultNames.GetValueOrDefault(status, "computeFault");
        return member.Name == expected ? null : $"fault named {member.Name}, Nova names {status} {expected}";
    }
}
