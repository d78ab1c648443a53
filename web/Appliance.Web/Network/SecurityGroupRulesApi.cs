using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>/v2.0/security-group-rules: the rules of the groups the caller may see; create and delete (a rule is never updated).</summary>
public static class SecurityGroupRulesApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.V2 + "/security-group-rules", List);
        routes.MapPost(NeutronApi.V2 + "/security-group-rules", Create);
        routes.MapGet(NeutronApi.V2 + "/security-group-rules/{ruleId}", Show);
        routes.MapDelete(NeutronApi.V2 + "/security-group-rules/{ruleId}", Delete);
    }

    private static async Task<Ok<JsonObject>> List([AsParameters] SecurityGroupRequestServices services)
    {
        var defaults = await DefaultGroupIdsAsync(services);
        var rules = await services.Groups.RulesAsync(services.Caller, services.Aborted);
        return TypedResults.Ok(NeutronListQuery.Answer(
            rules.Select(rule => SecurityGroupViews.Rule(rule, defaults.Contains(rule.SecurityGroupId))).ToList(), "security_group_rules", services.Request));
    }

    private static async Task<Ok<JsonObject>> Show(string ruleId, [AsParameters] SecurityGroupRequestServices services)
    {
        var rule = await services.Groups.RuleAsync(services.Caller, ruleId, services.Aborted);
        var view = SecurityGroupViews.Rule(rule, (await DefaultGroupIdsAsync(services)).Contains(rule.SecurityGroupId));
        return TypedResults.Ok(new JsonObject { ["security_group_rule"] = NeutronListQuery.Project(view, services.Request.Query) });
    }

    private static async Task<JsonHttpResult<JsonObject>> Create(JsonBody<JsonObject> body, [AsParameters] SecurityGroupRequestServices services)
    {
        var rule = await services.Groups.CreateRuleAsync(services.Caller, SecurityGroupBodies.Rule(body.Value), services.Aborted);
        var view = SecurityGroupViews.Rule(rule, (await DefaultGroupIdsAsync(services)).Contains(rule.SecurityGroupId));
        return TypedResults.Json(new JsonObject { ["security_group_rule"] = view }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<NoContent> Delete(string ruleId, [AsParameters] SecurityGroupRequestServices services)
    {
        await services.Groups.DeleteRuleAsync(services.Caller, ruleId, services.Aborted);
        return TypedResults.NoContent();
    }

    /// <summary>The default groups the caller sees, for belongs_to_default_sg.</summary>
    private static async Task<HashSet<string>> DefaultGroupIdsAsync(SecurityGroupRequestServices services) =>
        (await services.Groups.GroupsAsync(services.Caller, services.Aborted)).Where(group => group.IsDefault).Select(group => group.Id).ToHashSet(StringComparer.Ordinal);
}
