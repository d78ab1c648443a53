using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Appliance.Web.Identity;

/// <summary>Keystone's error body: <c>{"error": {"code": N, "title": "...", "message": "..."}}</c>, the title being the HTTP reason.</summary>
public sealed record KeystoneError(int Code, string Message)
{
    public const string NotFoundMessage = "The resource could not be found.";
    public const string MethodNotAllowedMessage = "The method is not allowed for the requested URL.";

    public string Title => ReasonPhrases.GetReasonPhrase(Code) is { Length: > 0 } phrase ? phrase : "Error";

    public static KeystoneError Unauthorized() => new(401, AuthenticationFailedException.RequiresAuthenticationMessage);

    /// <summary>Keystone's ForbiddenAction, naming the policy rule that refused.</summary>
    public static KeystoneError Forbidden(string action) => new(403, $"You are not authorized to perform the requested action: {action}.");

    public static KeystoneError BadRequest(string message) => new(400, message);

    /// <summary>What routing's bodiless answers become under /identity.</summary>
    public static KeystoneError ForStatus(int code) => code switch
    {
        404 => new(404, NotFoundMessage),
        405 => new(405, MethodNotAllowedMessage),
        _ => new(code, "The request could not be served."),
    };

    public Body ToBody() => new(new Detail(Code, Title, Message));

    public sealed record Body([property: JsonPropertyName("error")] Detail Error);

    public sealed record Detail(
        [property: JsonPropertyName("code")] int Code,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("message")] string Message);
}

/// <summary>Thrown by identity handlers that cannot go on; the Keystone error middleware answers with its error.</summary>
public sealed class KeystoneErrorException(KeystoneError error) : Exception(error.Message)
{
    public KeystoneError Error { get; } = error;
}

public static class KeystoneErrorWriter
{
    public static async Task WriteAsync(HttpContext context, KeystoneError error)
    {
        var response = context.Response;
        response.StatusCode = error.Code;
        response.ContentType = "application/json";
        if (error.Code == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = KeystoneChallenge.For(context.Request);
        }

        await JsonSerializer.SerializeAsync(response.Body, error.ToBody(), cancellationToken: context.RequestAborted);
    }
}
