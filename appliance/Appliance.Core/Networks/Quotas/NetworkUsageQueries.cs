namespace Appliance.Core.Networks;

/// <summary>How many of each Neutron quota resource a project holds, counted from the rows themselves (no usage table to drift).</summary>
internal static class NetworkUsageQueries
{
    /// <summary>One COUNT(*) per resource, taking @projectId; a resource without a table yet counts 0.</summary>
    internal static readonly IReadOnlyDictionary<string, string> ByResource = new Dictionary<string, string>
    {
        [NetworkQuotaResources.Network] = "SELECT COUNT(*) FROM networks WHERE project_id = @projectId",
        [NetworkQuotaResources.Subnet] = "SELECT COUNT(*) FROM subnets WHERE project_id = @projectId",
        [NetworkQuotaResources.Port] = "SELECT COUNT(*) FROM ports WHERE project_id = @projectId",
        [NetworkQuotaResources.FloatingIp] = "SELECT COUNT(*) FROM floating_ips WHERE project_id = @projectId",
        [NetworkQuotaResources.SecurityGroup] = "SELECT COUNT(*) FROM security_groups WHERE project_id = @projectId",
        [NetworkQuotaResources.SecurityGroupRule] = "SELECT COUNT(*) FROM security_group_rules WHERE project_id = @projectId",
    };
}
