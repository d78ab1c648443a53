using Appliance.Core.Quotas;
using Appliance.Web.Microversions;

namespace Appliance.Web.Compute.Quotas;

/// <summary>
/// /limits' "absolute" part from a project's limits and usage, as Nova's limits view builds it: 2.36 drops the
/// nova-network limits and their usage, 2.39 drops maxImageMeta. A pure function of its inputs.
/// </summary>
public static class LimitsView
{
    /// <summary>Each quota resource and the absolute limit names Nova shows it under.</summary>
    private static readonly (string Resource, string Name)[] LimitNames =
    [
        (QuotaResources.Ram, "maxTotalRAMSize"),
        (QuotaResources.Instances, "maxTotalInstances"),
        (QuotaResources.Cores, "maxTotalCores"),
        (QuotaResources.KeyPairs, "maxTotalKeypairs"),
        (QuotaResources.FloatingIps, "maxTotalFloatingIps"),
        (QuotaResources.MetadataItems, "maxServerMeta"),
        (QuotaResources.MetadataItems, MaxImageMeta),
        (QuotaResources.InjectedFiles, "maxPersonality"),
        (QuotaResources.InjectedFileContentBytes, "maxPersonalitySize"),
        (QuotaResources.SecurityGroups, "maxSecurityGroups"),
        (QuotaResources.SecurityGroupRules, "maxSecurityGroupRules"),
        (QuotaResources.ServerGroups, "maxServerGroups"),
        (QuotaResources.ServerGroupMembers, "maxServerGroupMembers"),
    ];

    private static readonly (string Name, string Resource)[] UsedNames =
    [
        ("totalRAMUsed", QuotaResources.Ram),
        ("totalCoresUsed", QuotaResources.Cores),
        ("totalInstancesUsed", QuotaResources.Instances),
        ("totalFloatingIpsUsed", QuotaResources.FloatingIps),
        ("totalSecurityGroupsUsed", QuotaResources.SecurityGroups),
        ("totalServerGroupsUsed", QuotaResources.ServerGroups),
    ];

    private const string MaxImageMeta = "maxImageMeta";

    /// <summary>The limits 2.36 takes away with nova-network.</summary>
    private static readonly string[] NetworkResources = [QuotaResources.FloatingIps, QuotaResources.SecurityGroups, QuotaResources.SecurityGroupRules];

    public static Dictionary<string, object> Absolute(ApiVersion version, QuotaLimits limits, ServerUsage usage)
    {
        var hidden = version >= ComputeMicroversions.NetworkQuotasRemoved ? NetworkResources : [];
        var absolute = new Dictionary<string, object>();
        foreach (var (resource, name) in LimitNames.Where(entry => !hidden.Contains(entry.Resource)))
        {
            if (name != MaxImageMeta || version < ComputeMicroversions.MaxImageMetaRemoved)
            {
                absolute[name] = limits[resource];
            }
        }

        foreach (var (name, resource) in UsedNames.Where(entry => !hidden.Contains(entry.Resource)))
        {
            absolute[name] = usage.InUse(resource);
        }

        return absolute;
    }

    public static Dictionary<string, object> Build(ApiVersion version, QuotaLimits limits, ServerUsage usage, object rate) =>
        new() { ["limits"] = new Dictionary<string, object> { ["absolute"] = Absolute(version, limits, usage), ["rate"] = rate } };
}
