using System.Text.Json.Serialization;
using Appliance.Core.Networks;
using Appliance.Web.Compute.Servers;
using Appliance.Web.Identity;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.SecurityGroups;

/// <summary>
/// Nova's security group reads: the os-security-groups proxy (list and show, gone from 2.36 as in Nova) and a server's
/// groups (GET /servers/{id}/os-security-groups), in Nova's shape over the Network API's groups.
/// </summary>
public static class ComputeSecurityGroupsApi
{
    public static IEndpointRouteBuilder MapComputeSecurityGroupsApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var proxy = ComputeApiGroups.Group(routes, version, "/os-security-groups", ComputeMicroversions.NetworkQuotasRemoved);
            proxy.MapGet("", List);
            proxy.MapGet("/{groupId}", Show);
            ComputeApiGroups.Group(routes, version, "/servers/{id}/os-security-groups").MapGet("", OfServer);
        }

        return routes;
    }

    public sealed record RuleView(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("parent_group_id")] string ParentGroupId,
        [property: JsonPropertyName("ip_protocol")] string? IpProtocol,
        [property: JsonPropertyName("from_port")] int? FromPort,
        [property: JsonPropertyName("to_port")] int? ToPort,
        [property: JsonPropertyName("ip_range")] Dictionary<string, string> IpRange,
        [property: JsonPropertyName("group")] Dictionary<string, string> Group);

    public sealed record GroupView(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("description")] string Description,
        [property: JsonPropertyName("tenant_id")] string TenantId,
        [property: JsonPropertyName("rules")] IReadOnlyList<RuleView> Rules);

    public sealed record GroupList([property: JsonPropertyName("security_groups")] IReadOnlyList<GroupView> SecurityGroups);

    public sealed record GroupOne([property: JsonPropertyName("security_group")] GroupView SecurityGroup);

    private static async Task<Ok<GroupList>> List(HttpContext http, [FromServices] SecurityGroupService groups)
    {
        var all = await groups.GroupsAsync(http.RequireRequestContext(), http.RequestAborted);
        return TypedResults.Ok(new GroupList(all.Select(group => View(group, all)).ToList()));
    }

    private static async Task<Ok<GroupOne>> Show(string groupId, HttpContext http, [FromServices] SecurityGroupService groups)
    {
        var caller = http.RequireRequestContext();
        var group = await groups.GroupAsync(caller, groupId, http.RequestAborted);
        return TypedResults.Ok(new GroupOne(View(group, await groups.GroupsAsync(caller, http.RequestAborted))));
    }

    private static async Task<Ok<GroupList>> OfServer(string id, [AsParameters] ServerRequestServices services, [FromServices] ServerSecurityGroups groups)
    {
        var list = await groups.ListAsync(services.Caller, id, services.Aborted);
        return TypedResults.Ok(new GroupList(list.Select(group => View(group, list)).ToList()));
    }

    /// <summary>Nova shows a group's ingress rules only; a rule from any address is 0.0.0.0/0, one from a group names it.</summary>
    private static GroupView View(SecurityGroupRecord group, IReadOnlyList<SecurityGroupRecord> known) =>
        new(group.Id, group.Name, group.Description, group.ProjectId, group.Rules
            .Where(rule => rule.Direction == SecurityGroupRuleRecord.Directions.Ingress)
            .Select(rule => Rule(rule, known)).ToList());

    private static RuleView Rule(SecurityGroupRuleRecord rule, IReadOnlyList<SecurityGroupRecord> known)
    {
        var (from, to) = rule.Protocol is { } protocol && rule.PortRangeMin is null
            ? protocol is "tcp" or "udp" ? (1, 65535) : (-1, -1)
            : (rule.PortRangeMin, rule.PortRangeMax);
        var remote = rule.RemoteGroupId is { } remoteId ? known.FirstOrDefault(group => group.Id == remoteId) : null;
        return new RuleView(rule.Id, rule.SecurityGroupId, rule.Protocol, from, to,
            rule.RemoteGroupId is null ? new() { ["cidr"] = rule.RemoteIpPrefix ?? "0.0.0.0/0" } : [],
            remote is null ? [] : new() { ["name"] = remote.Name, ["tenant_id"] = remote.ProjectId });
    }
}
