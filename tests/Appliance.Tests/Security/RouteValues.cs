namespace Appliance.Tests.Security;

/// <summary>Real values for a route's parameters: the resource of the given project that the parameter names there.</summary>
public static class RouteValues
{
    /// <summary>The tenant's own value for <paramref name="parameter"/> in <paramref name="route"/>, or null when no rule knows it.</summary>
    public static string? Owned(ApiRoute route, string parameter, Tenant tenant, TwoProjectAppliance appliance)
    {
        var path = route.Unversioned;
        return parameter switch
        {
            "id" when path.StartsWith("/servers/", StringComparison.Ordinal) => tenant.ServerId,
            "id" when path.StartsWith("/images/", StringComparison.Ordinal) || path.StartsWith("/image/v2/images/", StringComparison.Ordinal) => tenant.ImageId,
            "id" when path.StartsWith("/flavors/", StringComparison.Ordinal) => tenant.FlavorId,
            "id" when path.StartsWith("/os-networks/", StringComparison.Ordinal) => tenant.NetworkId,
            "id" when path.StartsWith("/os-fping/", StringComparison.Ordinal) => tenant.ServerId,
            "imageId" => tenant.ImageId,
            "key" when path.StartsWith("/servers/", StringComparison.Ordinal) => tenant.MetadataKey,
            "key" when path.StartsWith("/images/", StringComparison.Ordinal) => tenant.ImagePropertyKey,
            "key" when path.StartsWith("/flavors/", StringComparison.Ordinal) => tenant.ExtraSpecKey,
            "tag" when path.StartsWith("/servers/", StringComparison.Ordinal) => tenant.Tag,
            "tag" when path.StartsWith("/image/", StringComparison.Ordinal) => tenant.ImageTag,
            "name" when path.StartsWith("/os-keypairs/", StringComparison.Ordinal) => tenant.KeypairName,
            "requestId" => tenant.ActionRequestId,
            "label" => "private",
            "portId" => tenant.PortId,
            "networkId" => tenant.NetworkId,
            "subnetId" => tenant.SubnetId,
            "floatingIpId" => tenant.FloatingIpId,
            "forwardingId" => tenant.ForwardingId,
            "securityGroupId" or "groupId" => tenant.SecurityGroupId,
            "ruleId" => tenant.SecurityGroupRuleId,
            "alias" => "external-net",
            "projectId" => tenant.ProjectId,
            "userId" => tenant.UserId,
            "roleId" => appliance.MemberRoleId,
            "domainId" => "default",
            _ => null,
        };
    }

    /// <summary>The path for <paramref name="route"/> naming <paramref name="tenant"/>'s resources; fails naming the parameter no rule knows.</summary>
    public static string OwnedPath(ApiRoute route, Tenant tenant, TwoProjectAppliance appliance) =>
        RouteCatalog.Fill(route, parameter => Owned(route, parameter, tenant, appliance)
            ?? throw new InvalidOperationException($"No value of a project's own for {{{parameter}}} in {route}: teach RouteValues.Owned what it names"));
}
