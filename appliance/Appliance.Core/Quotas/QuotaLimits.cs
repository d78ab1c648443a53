namespace Appliance.Core.Quotas;

/// <summary>A project's effective limits: the defaults overlaid by what an admin set; -1 means unlimited.</summary>
public sealed class QuotaLimits
{
    private readonly Dictionary<string, int> _limits;

    private QuotaLimits(Dictionary<string, int> limits) => _limits = limits;

    public static QuotaLimits Defaults { get; } = new(new Dictionary<string, int>(DefaultQuotas.ByResource));

    /// <summary>These limits with <paramref name="overrides"/> in place of the same resources' values; unknown resources are ignored.</summary>
    public QuotaLimits With(IEnumerable<KeyValuePair<string, int>> overrides)
    {
        var limits = new Dictionary<string, int>(_limits);
        foreach (var (resource, limit) in overrides)
        {
            if (limits.ContainsKey(resource))
            {
                limits[resource] = limit;
            }
        }

        return new QuotaLimits(limits);
    }

    public int this[string resource] => _limits[resource];

    public int Instances => this[QuotaResources.Instances];
    public int Cores => this[QuotaResources.Cores];
    public int Ram => this[QuotaResources.Ram];
    public int KeyPairs => this[QuotaResources.KeyPairs];
    public int MetadataItems => this[QuotaResources.MetadataItems];
    public int InjectedFiles => this[QuotaResources.InjectedFiles];
    public int InjectedFileContentBytes => this[QuotaResources.InjectedFileContentBytes];
    public int InjectedFilePathBytes => this[QuotaResources.InjectedFilePathBytes];
    public int ServerGroups => this[QuotaResources.ServerGroups];
    public int ServerGroupMembers => this[QuotaResources.ServerGroupMembers];

    /// <summary>Whether <paramref name="requested"/> more fit next to <paramref name="used"/> under <paramref name="limit"/>.</summary>
    public static bool Allows(int limit, long used, long requested) =>
        limit == QuotaResources.Unlimited || used + requested <= limit;
}
