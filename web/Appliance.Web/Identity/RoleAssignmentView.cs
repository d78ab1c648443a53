using System.Text.Json.Serialization;
using Appliance.Core.Identity;

namespace Appliance.Web.Identity;

/// <summary>GET /v3/role_assignments entries (api-ref role-assignments-list-response), with names when include_names asks.</summary>
public static class RoleAssignmentView
{
    public sealed record Named(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name = null,
        [property: JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Named? Domain = null);

    public sealed record Scope([property: JsonPropertyName("project")] Named Project);

    public sealed record AssignmentLinks([property: JsonPropertyName("assignment")] string Assignment);

    public sealed record Item(
        [property: JsonPropertyName("links")] AssignmentLinks Links,
        [property: JsonPropertyName("role")] Named Role,
        [property: JsonPropertyName("scope")] Scope Scope,
        [property: JsonPropertyName("user")] Named User);

    public sealed record Many(
        [property: JsonPropertyName("role_assignments")] IReadOnlyList<Item> RoleAssignments,
        [property: JsonPropertyName("links")] ListLinks Links);

    public static Item Render(RoleAssignment assignment, bool includeNames, string v3Url, IReadOnlyDictionary<string, string> domainNames)
    {
        Named Domain(string id) => new(id, includeNames ? domainNames.GetValueOrDefault(id, id) : null);
        return new Item(
            new AssignmentLinks($"{v3Url}/projects/{assignment.ProjectId}/users/{assignment.UserId}/roles/{assignment.RoleId}"),
            includeNames ? new Named(assignment.RoleId, assignment.RoleName) : new Named(assignment.RoleId),
            new Scope(includeNames
                ? new Named(assignment.ProjectId, assignment.ProjectName, Domain(assignment.ProjectDomainId))
                : new Named(assignment.ProjectId)),
            includeNames
                ? new Named(assignment.UserId, assignment.UserName, Domain(assignment.UserDomainId))
                : new Named(assignment.UserId));
    }
}
