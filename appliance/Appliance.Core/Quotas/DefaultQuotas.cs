namespace Appliance.Core.Quotas;

/// <summary>The seed's default quota values, the one place they are written; -1 means unlimited.</summary>
public static class DefaultQuotas
{
    public const int Instances = 10;
    public const int Cores = 20;
    public const int Ram = 51200;
    public const int KeyPairs = 100;
    public const int MetadataItems = 128;
    public const int InjectedFiles = 5;
    public const int InjectedFileContentBytes = 10240;
    public const int InjectedFilePathBytes = 255;
    public const int SecurityGroups = 10;
    public const int SecurityGroupRules = 20;
    public const int FloatingIps = 10;
    public const int FixedIps = -1;
    public const int ServerGroups = 10;
    public const int ServerGroupMembers = 10;

    /// <summary>Every resource's default, by Nova's resource name.</summary>
    public static readonly IReadOnlyDictionary<string, int> ByResource = new Dictionary<string, int>
    {
        [QuotaResources.Instances] = Instances,
        [QuotaResources.Cores] = Cores,
        [QuotaResources.Ram] = Ram,
        [QuotaResources.KeyPairs] = KeyPairs,
        [QuotaResources.MetadataItems] = MetadataItems,
        [QuotaResources.InjectedFiles] = InjectedFiles,
        [QuotaResources.InjectedFileContentBytes] = InjectedFileContentBytes,
        [QuotaResources.InjectedFilePathBytes] = InjectedFilePathBytes,
        [QuotaResources.SecurityGroups] = SecurityGroups,
        [QuotaResources.SecurityGroupRules] = SecurityGroupRules,
        [QuotaResources.FloatingIps] = FloatingIps,
        [QuotaResources.FixedIps] = FixedIps,
        [QuotaResources.ServerGroups] = ServerGroups,
        [QuotaResources.ServerGroupMembers] = ServerGroupMembers,
    };
}
