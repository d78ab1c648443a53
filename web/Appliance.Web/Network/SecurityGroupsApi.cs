using System.Text.Json.Nodes;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>/v2.0/security-groups: the caller's project's groups (all, for an admin) with their rules; create, rename, delete.</summary>
public static class SecurityGroupsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.V2 + "/security-groups", List);
        routes.MapPost(NeutronApi.V2 + "/security-groups", Create);
        routes.MapGet(NeutronApi.V2 + "/security-groups/{securityGroupId}", Show);
        routes.MapPut(NeutronApi.V2 + "/security-groups/{securityGroupId}", Update);
        routes.MapDelete(NeutronApi.V2 + "/security-groups/{securityGroupId}", Delete);
    }

    private static async Task<Ok<JsonObject>> List([AsParameters] SecurityGroupRequestServices services)
    {
        var groups = await services.Groups.GroupsAsync(services.Caller, services.Aborted);
        return TypedResults.Ok(NeutronListQuery.Answer(groups.Select(SecurityGroupViews.Group).ToList(), "security_groups", services.Request));
    }

    private static async Task<Ok<JsonObject>> Show(string securityGroupId, [AsParameters] SecurityGroupRequestServices services)
    {
        var group = await services.Groups.GroupAsync(services.Caller, securityGroupId, services.Aborted);
        return TypedResults.Ok(new JsonObject { ["security_group"] = NeutronListQuery.Project(SecurityGroupViews.Group(group), services.Request.Query) });
    }

    private static async Task<JsonHttpResult<JsonObject>> Create(JsonBody<JsonObject> body, [AsParameters] SecurityGroupRequestServices services)
    {
        var group = await services.Groups.CreateGroupAsync(services.Caller, SecurityGroupBodies.Group(body.Value, create: true), services.Aborted);
        return TypedResults.Json(new JsonObject { ["security_group"] = SecurityGroupViews.Group(group) }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Ok<JsonObject>> Update(string securityGroupId, JsonBody<JsonObject> body, [AsParameters] SecurityGroupRequestServices services)
    {
        var group = await services.Groups.UpdateGroupAsync(services.Caller, securityGroupId, SecurityGroupBodies.Group(body.Value, create: false), services.Aborted);
        return TypedResults.Ok(new JsonObject { ["security_group"] = SecurityGroupViews.Group(group) });
    }

    private static async Task<NoContent> Delete(string securityGroupId, [AsParameters] SecurityGroupRequestServices services)
    {
        await services.Groups.DeleteGroupAsync(services.Caller, securityGroupId, services.Aborted);
        return TypedResults.NoContent();
    }
}
