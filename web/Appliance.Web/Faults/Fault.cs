using System.Text.Json.Serialization;

namespace Appliance.Web.Faults;

/// <summary>A Nova fault: the body is <c>{"&lt;name&gt;": {"code": N, "message": "..."}}</c>, the name chosen by the code.</summary>
public sealed record Fault(int Code, string Message)
{
    /// <summary>Nova's own messages for faults that carry no detail of their own.</summary>
    public const string NotFoundMessage = "The resource could not be found.";
    public const string UnexpectedErrorMessage = "Unexpected API Error";
    public const string UnsupportedContentTypeMessage = "Unsupported Content-Type";
    public const string MalformedBodyMessage = "Malformed request body";
    public const string RequestTooLargeMessage = "Request is too large.";

    /// <summary>The fault names Nova's wsgi layer gives each status; anything else is a computeFault.</summary>
    public string Name => Code switch
    {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "itemNotFound",
        405 => "badMethod",
        409 => "conflictingRequest",
        413 => "overLimit",
        415 => "badMediaType",
        429 => "overLimit",
        501 => "notImplemented",
        503 => "serviceUnavailable",
        _ => "computeFault",
    };

    /// <summary>Seconds a client should wait, sent for 413 and 429 as Nova does.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Which limit was hit, for rate-limited answers as Nova's RateLimitFault gave it.</summary>
    public string? Details { get; init; }

    /// <summary>The type a Neutron error names (NetworkNotFound, ...); without one, the type Neutron gives the status.</summary>
    public string? NeutronType { get; init; }

    public static Fault BadRequest(string message) => new(400, message);

    public static Fault NotFound(string message = NotFoundMessage) => new(404, message);

    public static Fault MethodNotAllowed(string method) => new(405, $"The method {method} is not allowed for this resource.");

    public static Fault Unexpected() => new(500, UnexpectedErrorMessage);

    public Dictionary<string, FaultBody> ToBody() =>
        new() { [Name] = new FaultBody(Code, Message, RetryAfterSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture), Details) };
}

public sealed record FaultBody(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("retryAfter"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RetryAfter,
    [property: JsonPropertyName("details"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Details = null);
