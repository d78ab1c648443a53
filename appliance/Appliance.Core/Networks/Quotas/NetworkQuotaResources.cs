namespace Appliance.Core.Networks;

/// <summary>Neutron's quota resources and their defaults (neutron.conf [quotas]); -1 means unlimited.</summary>
public static class NetworkQuotaResources
{
    public const string Network = "network";
    public const string Subnet = "subnet";
    public const string Port = "port";
    public const string SecurityGroup = "security_group";
    public const string SecurityGroupRule = "security_group_rule";
    public const string FloatingIp = "floatingip";

    /// <summary>Every resource with Neutron's default limit, in the order Neutron's quota API lists them.</summary>
    public static readonly IReadOnlyDictionary<string, int> Defaults = new Dictionary<string, int>
    {
        [FloatingIp] = 50,
        [Network] = 100,
        [Port] = 500,
        [SecurityGroup] = 10,
        [SecurityGroupRule] = 100,
        [Subnet] = 100,
    };
}
