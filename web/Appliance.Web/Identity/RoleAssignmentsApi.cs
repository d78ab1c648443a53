using Appliance.Core.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Identity;

/// <summary>
/// Grants of roles to users on projects (PUT/HEAD/DELETE /v3/projects/{p}/users/{u}/roles/{r}) and the
/// /v3/role_assignments listing; admin only. There are no groups or domain grants here, so asking for
/// those yields an empty list, and "effective" assignments are the direct ones.
/// </summary>
public static class RoleAssignmentsApi
{
    private const string GrantRoute = "/projects/{projectId}/users/{userId}/roles/{roleId}";

    public static IEndpointRouteBuilder MapRoleAssignmentsApi(this IEndpointRouteBuilder v3)
    {
        v3.MapPut(GrantRoute, Grant);
        v3.MapMethods(GrantRoute, [HttpMethods.Head], Check);
        v3.MapGet(GrantRoute, Check);
        v3.MapDelete(GrantRoute, Revoke);
        v3.MapGet("/projects/{projectId}/users/{userId}/roles", ListGrants);
        v3.MapGet("/role_assignments", List);
        return v3;
    }

    private static async Task<NoContent> Grant(string projectId, string userId, string roleId, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:create_grant");
        await services.Assignments.GrantAsync(projectId, userId, roleId, services.Aborted);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Check(string projectId, string userId, string roleId, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:check_grant");
        return await services.Assignments.ExistsAsync(projectId, userId, roleId, services.Aborted)
            ? TypedResults.NoContent()
            : throw new RoleAssignmentNotFoundException(roleId, userId, projectId);
    }

    private static async Task<NoContent> Revoke(string projectId, string userId, string roleId, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:revoke_grant");
        await services.Assignments.RevokeAsync(projectId, userId, roleId, services.Aborted);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<RoleView.Many>> ListGrants(string projectId, string userId, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:list_grants");
        await services.Projects.RequireAsync(projectId, services.Aborted);
        await services.Users.RequireAsync(userId, services.Aborted);
        var granted = await services.Assignments.ListAsync(new AssignmentService.Filter(userId, projectId), services.Aborted);
        var roles = new List<RoleView.Item>();
        foreach (var assignment in granted)
        {
            roles.Add(RoleView.Render(await services.Roles.RequireAsync(assignment.RoleId, services.Aborted), services.V3Url));
        }

        return TypedResults.Ok(new RoleView.Many(roles, new ListLinks($"{services.V3Url}/projects/{projectId}/users/{userId}/roles")));
    }

    private static async Task<Ok<RoleAssignmentView.Many>> List(
        [AsParameters] IdentityRequestServices services,
        [FromQuery(Name = "user.id")] string? userId,
        [FromQuery(Name = "scope.project.id")] string? projectId,
        [FromQuery(Name = "role.id")] string? roleId,
        [FromQuery(Name = "group.id")] string? groupId,
        [FromQuery(Name = "scope.domain.id")] string? domainId,
        [FromQuery(Name = "scope.system")] string? system,
        [FromQuery(Name = "include_names")] string? includeNames)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:list_role_assignments");
        var self = services.V3Url + "/role_assignments" + services.Http.Request.QueryString;
        if (groupId is not null || domainId is not null || system is not null)
        {
            return TypedResults.Ok(new RoleAssignmentView.Many([], new ListLinks(self)));
        }

        var names = QueryFlags.IsTrue(includeNames);
        var domainNames = names ? (await services.Domains.ListAsync(services.Aborted)).ToDictionary(domain => domain.Id, domain => domain.Name) : [];
        var assignments = await services.Assignments.ListAsync(new AssignmentService.Filter(userId, projectId, roleId), services.Aborted);
        return TypedResults.Ok(new RoleAssignmentView.Many(
            assignments.Select(assignment => RoleAssignmentView.Render(assignment, names, services.V3Url, domainNames)).ToList(),
            new ListLinks(self)));
    }
}
