using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Identity;

namespace Appliance.Web.Identity;

/// <summary>POST /v3/projects, as openstack project create sends it.</summary>
public sealed record CreateProjectRequest([property: JsonPropertyName("project")] CreateProjectRequest.Body Project)
{
    public sealed record Body(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("domain_id")] string? DomainId = null,
        [property: JsonPropertyName("description")] string? Description = null,
        [property: JsonPropertyName("enabled")] bool Enabled = true,
        [property: JsonPropertyName("is_domain")] bool IsDomain = false,
        [property: JsonPropertyName("parent_id")] string? ParentId = null,
        [property: JsonPropertyName("tags")] IReadOnlyList<string>? Tags = null,
        [property: JsonPropertyName("options")] JsonElement? Options = null);
}

/// <summary>POST /v3/users, as openstack user create sends it.</summary>
public sealed record CreateUserRequest([property: JsonPropertyName("user")] CreateUserRequest.Body User)
{
    public sealed record Body(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("password")] string? Password = null,
        [property: JsonPropertyName("domain_id")] string? DomainId = null,
        [property: JsonPropertyName("default_project_id")] string? DefaultProjectId = null,
        [property: JsonPropertyName("enabled")] bool Enabled = true,
        [property: JsonPropertyName("description")] string? Description = null,
        [property: JsonPropertyName("email")] string? Email = null,
        [property: JsonPropertyName("options")] JsonElement? Options = null);
}

/// <summary>PATCH /v3/projects/{id}, as openstack project set sends it.</summary>
public sealed record UpdateProjectRequest([property: JsonPropertyName("project")] UpdateProjectRequest.Body Project)
{
    public sealed record Body(
        [property: JsonPropertyName("name")] string? Name = null,
        [property: JsonPropertyName("description")] string? Description = null,
        [property: JsonPropertyName("enabled")] bool? Enabled = null,
        [property: JsonPropertyName("tags")] IReadOnlyList<string>? Tags = null,
        [property: JsonPropertyName("options")] JsonElement? Options = null);
}

/// <summary>PATCH /v3/users/{id}, as openstack user set sends it.</summary>
public sealed record UpdateUserRequest([property: JsonPropertyName("user")] UpdateUserRequest.Body User)
{
    public sealed record Body(
        [property: JsonPropertyName("name")] string? Name = null,
        [property: JsonPropertyName("password")] string? Password = null,
        [property: JsonPropertyName("enabled")] bool? Enabled = null,
        [property: JsonPropertyName("default_project_id")] string? DefaultProjectId = null,
        [property: JsonPropertyName("description")] string? Description = null,
        [property: JsonPropertyName("email")] string? Email = null,
        [property: JsonPropertyName("options")] JsonElement? Options = null);
}

/// <summary>POST /v3/roles.</summary>
public sealed record CreateRoleRequest([property: JsonPropertyName("role")] CreateRoleRequest.Body Role)
{
    public sealed record Body(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("description")] string? Description = null,
        [property: JsonPropertyName("options")] JsonElement? Options = null);
}

/// <summary>Checks shared by the admin request bodies.</summary>
public static class AdminRequestChecks
{
    /// <summary>Resource options (immutable, ignore_password_expiry, ...) are not kept here; an empty object is fine.</summary>
    public static void NoOptions(JsonElement? options)
    {
        if (options is { } value && (value.ValueKind != JsonValueKind.Object || value.EnumerateObject().Any()))
        {
            throw new IdentityValidationException("Invalid input for field 'options': resource options are not supported by this cloud.");
        }
    }
}
