using System.Security.Cryptography;
using System.Text;

namespace Appliance.Core.Networks;

/// <summary>
/// Host-wide names of an appliance's libvirt networks and bridges, from a hash of its data dir: two appliances on one
/// host (a second one to try something, the tests' many) never take each other's names.
/// </summary>
public sealed class NetworkNames(string dataDir)
{
    private readonly string _hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDir))))[..6];

    /// <summary>Every libvirt network of this appliance starts with this.</summary>
    public string LibvirtPrefix => $"appliance-{_hash}-";

    public string LibvirtName(string networkId) => LibvirtPrefix + networkId[..8];

    /// <summary>At most 15 characters, the kernel's limit: apl, the data dir hash, the network id's first 6.</summary>
    public string Bridge(string networkId) => $"apl{_hash}{networkId[..6]}";

    /// <summary>The network filter of a security group (nwfilter names are their own namespace, beside the networks').</summary>
    public string GroupFilter(string securityGroupId) => $"{LibvirtPrefix}sg-{securityGroupId}";

    /// <summary>The network filter a port's NIC uses: clean-traffic, the port's groups, and a drop of the rest.</summary>
    public string PortFilter(string portId) => $"{LibvirtPrefix}port-{portId}";

    /// <summary>A number 0..255 from the data dir, where the search for a free private subnet starts.</summary>
    public int Seed => Convert.ToInt32(_hash[..2], 16);
}
