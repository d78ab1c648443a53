using System.Runtime.InteropServices;
using Appliance.Hypervisor.Interop;

namespace Appliance.Hypervisor.Host;

/// <summary>One libvirt network: thin managed calls over a network handle, each failure a LibvirtException.</summary>
internal sealed class LibvirtNetwork(LibvirtNetworkHandle handle) : IDisposable
{
    private LibvirtNetworkHandle Handle { get; } = handle;

    public string Name => Marshal.PtrToStringUTF8(Libvirt.virNetworkGetName(Handle)) ?? throw LibvirtErrors.Capture("virNetworkGetName");

    public bool IsActive => Flag(Libvirt.virNetworkIsActive(Handle), "virNetworkIsActive");

    /// <summary>False for a transient network, which vanishes when it stops.</summary>
    public bool IsPersistent => Flag(Libvirt.virNetworkIsPersistent(Handle), "virNetworkIsPersistent");

    public bool Autostart
    {
        get
        {
            Check(Libvirt.virNetworkGetAutostart(Handle, out var autostart), "virNetworkGetAutostart");
            return autostart != 0;
        }
    }

    /// <summary>The bridge device; libvirt names one at define time when the XML gave none.</summary>
    public string BridgeName =>
        NativeStrings.TakeUtf8(Libvirt.virNetworkGetBridgeName(Handle)) ?? throw LibvirtErrors.Capture("virNetworkGetBridgeName");

    /// <summary>The running definition, or the persistent one when the network is stopped.</summary>
    public string XmlDesc() => XmlDesc(0);

    /// <summary>The persistent definition; a driver that refuses the flag (the test driver) keeps none apart, so its live one stands in.</summary>
    public string PersistentXmlDesc()
    {
        try
        {
            return XmlDesc(Libvirt.VIR_NETWORK_XML_INACTIVE);
        }
        catch (LibvirtException e) when (e.Code == Libvirt.VIR_ERR_INVALID_ARG)
        {
            return XmlDesc(0);
        }
    }

    public void Create() => Check(Libvirt.virNetworkCreate(Handle), "virNetworkCreate");

    public void Destroy() => Check(Libvirt.virNetworkDestroy(Handle), "virNetworkDestroy");

    public void Undefine() => Check(Libvirt.virNetworkUndefine(Handle), "virNetworkUndefine");

    public void SetAutostart(bool autostart) => Check(Libvirt.virNetworkSetAutostart(Handle, autostart ? 1 : 0), "virNetworkSetAutostart");

    /// <summary>Changes one static DHCP entry in the persistent definition, and in the running network when it runs.</summary>
    public void UpdateDhcpHost(uint command, string hostXml)
    {
        // A stopped network has no live state: libvirt refuses AFFECT_LIVE for it.
        var flags = Libvirt.VIR_NETWORK_UPDATE_AFFECT_CONFIG | (IsActive ? Libvirt.VIR_NETWORK_UPDATE_AFFECT_LIVE : 0);
        Check(
            Libvirt.virNetworkUpdate(Handle, command, Libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, Libvirt.VIR_NETWORK_UPDATE_ANY_PARENT, hostXml, flags),
            "virNetworkUpdate");
    }

    public void Dispose() => Handle.Dispose();

    private string XmlDesc(uint flags) =>
        NativeStrings.TakeUtf8(Libvirt.virNetworkGetXMLDesc(Handle, flags)) ?? throw LibvirtErrors.Capture("virNetworkGetXMLDesc");

    private static bool Flag(int result, string operation)
    {
        Check(result, operation);
        return result == 1;
    }

    private static void Check(int result, string operation)
    {
        if (result < 0)
        {
            throw LibvirtErrors.Capture(operation);
        }
    }
}
