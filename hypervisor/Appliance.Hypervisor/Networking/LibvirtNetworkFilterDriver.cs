using Appliance.Hypervisor.Host;
using Appliance.Hypervisor.Interop;
using static Appliance.Hypervisor.Driver.LibvirtCalls;

namespace Appliance.Hypervisor.Networking;

/// <summary>The network filter driver over libvirt's nwfilter API, on the process's one libvirt connection.</summary>
public sealed class LibvirtNetworkFilterDriver(LibvirtHost host) : INetworkFilterDriver
{
    public bool IsSupported
    {
        get
        {
            try
            {
                host.ListNetworkFilters();
                return true;
            }
            catch (LibvirtException e) when (e.Code == Libvirt.VIR_ERR_NO_SUPPORT)
            {
                return false;
            }
        }
    }

    public void Define(NetworkFilterSpec spec) => Call(() => host.DefineNetworkFilter(NetworkFilterDesigner.ToXml(spec)));

    public bool Remove(string name) => Call(() =>
    {
        try
        {
            host.UndefineNetworkFilter(name);
            return true;
        }
        catch (LibvirtException e) when (e.Code == Libvirt.VIR_ERR_OPERATION_INVALID)
        {
            // "nwfilter is in use": a guest or another filter still refers to it; the next pass removes it.
            return false;
        }
    });

    public IReadOnlyList<string> List(string prefix) =>
        Call(() => host.ListNetworkFilters().Where(name => name.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList());
}
