namespace Appliance.Hypervisor.Networking;

/// <summary>libvirt's network filters (nwfilter): what the security groups become on the host.</summary>
public interface INetworkFilterDriver
{
    /// <summary>Whether the connection has a network filter driver (libvirt's test driver has none).</summary>
    bool IsSupported { get; }

    /// <summary>Defines or redefines the filter; a running guest whose NIC uses it (directly or through another filter) gets it at once.</summary>
    void Define(NetworkFilterSpec spec);

    /// <summary>Undefines the filter; false when libvirt refuses because something still uses it. A missing one is not an error.</summary>
    bool Remove(string name);

    /// <summary>The names of the filters whose name starts with prefix (the appliance's own).</summary>
    IReadOnlyList<string> List(string prefix);
}
