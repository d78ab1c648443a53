using System.Text.Json.Serialization;
using Appliance.Core.Identity;

namespace Appliance.Web.Identity;

/// <summary>A project as Keystone shows it (api-ref project-create-response): top-level projects have their domain as parent.</summary>
public static class ProjectView
{
    public sealed record Item(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("domain_id")] string DomainId,
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("enabled")] bool Enabled,
        [property: JsonPropertyName("is_domain")] bool IsDomain,
        [property: JsonPropertyName("parent_id")] string ParentId,
        [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags,
        [property: JsonPropertyName("options")] IReadOnlyDictionary<string, object> Options,
        [property: JsonPropertyName("links")] SelfLink Links);

    public sealed record One([property: JsonPropertyName("project")] Item Project);

    public sealed record Many([property: JsonPropertyName("projects")] IReadOnlyList<Item> Projects, [property: JsonPropertyName("links")] ListLinks Links);

    public static Item Render(Project project, string v3Url) => new(
        project.Id, project.Name, project.DomainId, project.Description, project.Enabled, false, project.DomainId,
        project.Tags, new Dictionary<string, object>(), new SelfLink($"{v3Url}/projects/{project.Id}"));
}
