using System.Text.Json.Serialization;
using Appliance.Core.Identity;

namespace Appliance.Web.Identity;

/// <summary>A role as Keystone shows it (api-ref role-show-response); the bootstrap roles carry the immutable option.</summary>
public static class RoleView
{
    public sealed record Item(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("domain_id")] string? DomainId,
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("options")] IReadOnlyDictionary<string, object> Options,
        [property: JsonPropertyName("links")] SelfLink Links);

    public sealed record One([property: JsonPropertyName("role")] Item Role);

    public sealed record Many([property: JsonPropertyName("roles")] IReadOnlyList<Item> Roles, [property: JsonPropertyName("links")] ListLinks Links);

    public static Item Render(Role role, string v3Url) => new(
        role.Id, role.Name, null, role.Description,
        role.Immutable ? new Dictionary<string, object> { ["immutable"] = true } : new Dictionary<string, object>(),
        new SelfLink($"{v3Url}/roles/{role.Id}"));
}
