using Appliance.Core.Identity;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Identity;

/// <summary>/v3/users: admin lists, creates and deletes; a user may read themselves and their projects.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder v3)
    {
        v3.MapGet("/users", List);
        v3.MapPost("/users", Create);
        v3.MapGet("/users/{userId}", Show);
        v3.MapPatch("/users/{userId}", Update);
        v3.MapDelete("/users/{userId}", Delete);
        v3.MapGet("/users/{userId}/projects", ListProjects);
        return v3;
    }

    private static async Task<Ok<UserView.Many>> List(
        [AsParameters] IdentityRequestServices services,
        [FromQuery] string? name, [FromQuery(Name = "domain_id")] string? domainId, [FromQuery] string? enabled)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:list_users");
        var users = await services.Users.ListAsync(new UserService.Filter(name, domainId, QueryFlags.Filter(enabled)), services.Aborted);
        return TypedResults.Ok(new UserView.Many(users.Select(user => UserView.Render(user, services.V3Url)).ToList(), new ListLinks(services.V3Url + "/users")));
    }

    private static async Task<JsonHttpResult<UserView.One>> Create(JsonBody<CreateUserRequest> body, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:create_user");
        var request = body.Value.User;
        AdminRequestChecks.NoOptions(request.Options);
        var user = await services.Users.CreateAsync(new UserService.NewUser(
            request.Name, request.Password, request.DomainId, request.Enabled, request.DefaultProjectId, request.Description, request.Email), services.Aborted);
        return TypedResults.Json(new UserView.One(UserView.Render(user, services.V3Url)), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Ok<UserView.One>> Show(string userId, [AsParameters] IdentityRequestServices services)
    {
        var user = await VisibleUserAsync(userId, services);
        return TypedResults.Ok(new UserView.One(UserView.Render(user, services.V3Url)));
    }

    private static async Task<Ok<UserView.One>> Update(string userId, JsonBody<UpdateUserRequest> body, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:update_user");
        var request = body.Value.User;
        AdminRequestChecks.NoOptions(request.Options);
        var user = await services.Users.UpdateAsync(userId, new UserService.Changes(
            request.Name, request.Password, request.Enabled, request.DefaultProjectId, request.Description, request.Email), services.Aborted);
        return TypedResults.Ok(new UserView.One(UserView.Render(user, services.V3Url)));
    }

    private static async Task<NoContent> Delete(string userId, [AsParameters] IdentityRequestServices services)
    {
        IdentityPolicy.RequireAdmin(services.Caller, "identity:delete_user");
        await services.Users.DeleteAsync(userId, services.Aborted);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ProjectView.Many>> ListProjects(string userId, [AsParameters] IdentityRequestServices services)
    {
        await VisibleUserAsync(userId, services);
        var projects = await services.Projects.ListForUserAsync(userId, services.Aborted);
        return TypedResults.Ok(new ProjectView.Many(
            projects.Select(project => ProjectView.Render(project, services.V3Url)).ToList(),
            new ListLinks($"{services.V3Url}/users/{userId}/projects")));
    }

    /// <summary>Admins see every user, others only themselves; anyone else is "not found", never "forbidden".</summary>
    private static async Task<User> VisibleUserAsync(string userId, IdentityRequestServices services)
    {
        var caller = services.Caller;
        var user = caller.IsAdmin || caller.UserId == userId ? await services.Users.GetAsync(userId, services.Aborted) : null;
        return user ?? throw new IdentityNotFoundException("user", userId);
    }
}
