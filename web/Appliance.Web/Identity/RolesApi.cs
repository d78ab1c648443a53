using Appliance.Core.Identity;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Identity;

/// <summary>/v3/roles: admin only; the bootstrap roles admin, member and reader cannot be deleted.</summary>
public static class RolesApi
{
    public static IEndpointRouteBuilder MapRolesApi(this IEndpointRouteBuilder v3)
    {
        v3.MapGet("/roles", List);
        v3.MapPost("/roles", Create);
        v3.MapGet("/roles/{roleId}", Show);
        v3.MapDelete("/roles/{roleId}", Delete);
        return v3;
    }

    private static async Task<Ok<RoleView.Many>> List([AsParameters] IdentityRequestServices services, [FromQuery] string? name)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:list_roles");
        var roles = await services.Roles.ListAsync(name, services.Aborted);
        return TypedResults.Ok(new RoleView.Many(roles.Select(role => RoleView.Render(role, services.V3Url)).ToList(), new ListLinks(services.V3Url + "/roles")));
    }

    private static async Task<JsonHttpResult<RoleView.One>> Create(JsonBody<CreateRoleRequest> body, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:create_role");
        AdminRequestChecks.NoOptions(body.Value.Role.Options);
        var role = await services.Roles.CreateAsync(body.Value.Role.Name, body.Value.Role.Description, services.Aborted);
        return TypedResults.Json(new RoleView.One(RoleView.Render(role, services.V3Url)), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Ok<RoleView.One>> Show(string roleId, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:get_role");
        var role = await services.Roles.RequireAsync(roleId, services.Aborted);
        return TypedResults.Ok(new RoleView.One(RoleView.Render(role, services.V3Url)));
    }

    private static async Task<NoContent> Delete(string roleId, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:delete_role");
        await services.Roles.DeleteAsync(roleId, services.Aborted);
        return TypedResults.NoContent();
    }
}
