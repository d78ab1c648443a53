using System.Globalization;
using System.Text.Json.Serialization;
using Appliance.Core.Identity;

namespace Appliance.Web.Identity;

/// <summary>The token body Keystone returns from POST and GET /v3/auth/tokens (api-ref auth-password-project-scoped-response).</summary>
public static class TokenView
{
    public sealed record Body([property: JsonPropertyName("token")] Token Token);

    public sealed record Token(
        [property: JsonPropertyName("methods")] IReadOnlyList<string> Methods,
        [property: JsonPropertyName("user")] UserRef User,
        [property: JsonPropertyName("audit_ids")] IReadOnlyList<string> AuditIds,
        [property: JsonPropertyName("expires_at")] string ExpiresAt,
        [property: JsonPropertyName("issued_at")] string IssuedAt,
        [property: JsonPropertyName("project"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ProjectRef? Project,
        [property: JsonPropertyName("is_domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? IsDomain,
        [property: JsonPropertyName("roles"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RoleRefView>? Roles,
        [property: JsonPropertyName("catalog"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ServiceCatalog.Service>? Catalog);

    public sealed record DomainRef([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("name")] string Name);

    public sealed record UserRef(
        [property: JsonPropertyName("domain")] DomainRef Domain,
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("password_expires_at")] string? PasswordExpiresAt);

    public sealed record ProjectRef(
        [property: JsonPropertyName("domain")] DomainRef Domain,
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name")] string Name);

    public sealed record RoleRefView([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("name")] string Name);

    /// <summary>A scoped token carries project, roles and (unless the client said nocatalog) the catalog; an unscoped one none of them.</summary>
    public static Body Render(RequestContext context, IReadOnlyList<ServiceCatalog.Service>? catalog)
    {
        var scoped = context.Project is not null;
        return new Body(new Token(
            context.Methods,
            new UserRef(new DomainRef(context.UserDomain.Id, context.UserDomain.Name), context.UserId, context.UserName, null),
            [context.AuditId],
            Timestamp(context.ExpiresAt),
            Timestamp(context.IssuedAt),
            context.Project is { } project ? new ProjectRef(new DomainRef(project.Domain.Id, project.Domain.Name), project.Id, project.Name) : null,
            scoped ? false : null,
            scoped ? context.Roles.Select(role => new RoleRefView(role.Id, role.Name)).ToList() : null,
            scoped ? catalog : null));
    }

    /// <summary>Keystone's timestamps: UTC, microseconds, Z.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
