namespace Appliance.Core.Quotas;

/// <summary>Nova's quota resource names, as they appear in quota sets and in the quotas table.</summary>
public static class QuotaResources
{
    public const string Instances = "instances";
    public const string Cores = "cores";
    public const string Ram = "ram";
    public const string KeyPairs = "key_pairs";
    public const string MetadataItems = "metadata_items";
    public const string InjectedFiles = "injected_files";
    public const string InjectedFileContentBytes = "injected_file_content_bytes";
    public const string InjectedFilePathBytes = "injected_file_path_bytes";
    public const string SecurityGroups = "security_groups";
    public const string SecurityGroupRules = "security_group_rules";
    public const string FloatingIps = "floating_ips";
    public const string FixedIps = "fixed_ips";
    public const string ServerGroups = "server_groups";
    public const string ServerGroupMembers = "server_group_members";

    /// <summary>Every resource, in Nova's order (QUOTAS.resources is sorted by name).</summary>
    public static readonly IReadOnlyList<string> All =
    [
        Cores, FixedIps, FloatingIps, InjectedFileContentBytes, InjectedFilePathBytes, InjectedFiles,
        Instances, KeyPairs, MetadataItems, Ram, SecurityGroupRules, SecurityGroups, ServerGroupMembers, ServerGroups,
    ];

    /// <summary>The nova-network resources that microversion 2.36 takes out of quota sets.</summary>
    public static readonly IReadOnlyList<string> Network = [FixedIps, FloatingIps, SecurityGroupRules, SecurityGroups];

    /// <summary>Largest limit a quota may have (Nova's MAX_INT).</summary>
    public const int MaxLimit = int.MaxValue;

    public const int Unlimited = -1;
}
