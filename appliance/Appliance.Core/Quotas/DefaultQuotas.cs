namespace Appliance.Core.Quotas;

/// <summary>The seed's default quota values, the one place they are written.</summary>
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
    public const int ServerGroups = 10;
    public const int ServerGroupMembers = 10;
}
