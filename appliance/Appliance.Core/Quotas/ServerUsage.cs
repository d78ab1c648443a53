namespace Appliance.Core.Quotas;

/// <summary>What a project's servers that are not deleted hold: how many, their vCPUs and their RAM in MB.</summary>
public sealed record ServerUsage(long Instances, long Cores, long Ram)
{
    public static ServerUsage None { get; } = new(0, 0, 0);

    /// <summary>In-use counts by Nova resource name; resources the appliance does not have yet are 0.</summary>
    public long InUse(string resource) => resource switch
    {
        QuotaResources.Instances => Instances,
        QuotaResources.Cores => Cores,
        QuotaResources.Ram => Ram,
        // Nova never shows key pairs or group members as used by a project: they are counted per user or per group.
        _ => 0,
    };
}
