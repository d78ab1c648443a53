using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appliance.Web.Identity;

/// <summary>The body of POST /v3/auth/tokens (api-ref auth-password-*-request), bound strictly.</summary>
public sealed record AuthRequest([property: JsonPropertyName("auth")] AuthRequest.AuthBody Auth)
{
    public sealed record AuthBody(
        [property: JsonPropertyName("identity")] IdentityBody Identity,
        [property: JsonPropertyName("scope")] ScopeBody? Scope = null);

    public sealed record IdentityBody(
        [property: JsonPropertyName("methods")] IReadOnlyList<string> Methods,
        [property: JsonPropertyName("password")] PasswordBody? Password = null,
        [property: JsonPropertyName("token")] TokenBody? Token = null);

    public sealed record TokenBody([property: JsonPropertyName("id")] string Id);

    public sealed record PasswordBody([property: JsonPropertyName("user")] UserBody User);

    public sealed record UserBody(
        [property: JsonPropertyName("password")] string Password,
        [property: JsonPropertyName("id")] string? Id = null,
        [property: JsonPropertyName("name")] string? Name = null,
        [property: JsonPropertyName("domain")] DomainBody? Domain = null);

    public sealed record DomainBody(
        [property: JsonPropertyName("id")] string? Id = null,
        [property: JsonPropertyName("name")] string? Name = null);

    public sealed record ScopeBody(
        [property: JsonPropertyName("project")] ProjectBody? Project = null,
        [property: JsonPropertyName("domain")] DomainBody? Domain = null,
        [property: JsonPropertyName("system")] JsonElement? System = null,
        [property: JsonPropertyName("OS-TRUST:trust")] JsonElement? Trust = null);

    public sealed record ProjectBody(
        [property: JsonPropertyName("id")] string? Id = null,
        [property: JsonPropertyName("name")] string? Name = null,
        [property: JsonPropertyName("domain")] DomainBody? Domain = null);
}
