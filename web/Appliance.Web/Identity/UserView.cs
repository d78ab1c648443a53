using System.Text.Json.Serialization;
using Appliance.Core.Identity;

namespace Appliance.Web.Identity;

/// <summary>A user as Keystone shows it (api-ref user-create-response); optional attributes appear only when set. Never the password.</summary>
public static class UserView
{
    public sealed record Item(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("domain_id")] string DomainId,
        [property: JsonPropertyName("enabled")] bool Enabled,
        [property: JsonPropertyName("default_project_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DefaultProjectId,
        [property: JsonPropertyName("description"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description,
        [property: JsonPropertyName("email"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email,
        [property: JsonPropertyName("password_expires_at")] string? PasswordExpiresAt,
        [property: JsonPropertyName("options")] IReadOnlyDictionary<string, object> Options,
        [property: JsonPropertyName("links")] SelfLink Links);

    public sealed record One([property: JsonPropertyName("user")] Item User);

    public sealed record Many([property: JsonPropertyName("users")] IReadOnlyList<Item> Users, [property: JsonPropertyName("links")] ListLinks Links);

    public static Item Render(User user, string v3Url) => new(
        user.Id, user.Name, user.DomainId, user.Enabled, user.DefaultProjectId, user.Description, user.Email, null,
        new Dictionary<string, object>(), new SelfLink($"{v3Url}/users/{user.Id}"));
}
