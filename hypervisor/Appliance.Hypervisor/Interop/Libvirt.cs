using System.Runtime.InteropServices;

namespace Appliance.Hypervisor.Interop;

/// <summary>Raw imports from libvirt.so.0; names and signatures follow libvirt's C API.</summary>
internal static partial class Libvirt
{
    internal const string Library = "libvirt.so.0";

    // ---- connection ----

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial LibvirtConnectionHandle virConnectOpen(string? name);

    [LibraryImport(Library)]
    internal static partial int virConnectClose(IntPtr conn);

    [LibraryImport(Library)]
    internal static partial int virConnectIsAlive(LibvirtConnectionHandle conn);

    [LibraryImport(Library)]
    internal static partial int virConnectGetLibVersion(LibvirtConnectionHandle conn, out ulong libVer);

    [LibraryImport(Library)]
    internal static partial int virConnectGetVersion(LibvirtConnectionHandle conn, out ulong hvVer);

    [LibraryImport(Library)]
    internal static partial IntPtr virConnectGetType(LibvirtConnectionHandle conn);

    /// <summary>Returns a malloc'd XML string the caller frees.</summary>
    [LibraryImport(Library)]
    internal static partial IntPtr virConnectGetCapabilities(LibvirtConnectionHandle conn);

    /// <summary>What one emulator offers for one domain type, e.g. kvm; a malloc'd XML string, or null when it offers nothing.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr virConnectGetDomainCapabilities(
        LibvirtConnectionHandle conn, string? emulatorbin, string? arch, string? machine, string? virttype, uint flags);

    [LibraryImport(Library)]
    internal static partial int virNodeGetInfo(LibvirtConnectionHandle conn, out VirNodeInfo info);

    /// <summary>Fills a malloc'd array of domain pointers; each is freed with virDomainFree, the array with free.</summary>
    [LibraryImport(Library)]
    internal static partial int virConnectListAllDomains(LibvirtConnectionHandle conn, out IntPtr domains, uint flags);

    // ---- domains ----

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial LibvirtDomainHandle virDomainDefineXML(LibvirtConnectionHandle conn, string xml);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial LibvirtDomainHandle virDomainLookupByUUIDString(LibvirtConnectionHandle conn, string uuidstr);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial LibvirtDomainHandle virDomainLookupByName(LibvirtConnectionHandle conn, string name);

    [LibraryImport(Library)]
    internal static partial int virDomainFree(IntPtr domain);

    [LibraryImport(Library)]
    internal static partial int virDomainUndefineFlags(LibvirtDomainHandle domain, uint flags);

    [LibraryImport(Library)]
    internal static partial int virDomainCreate(LibvirtDomainHandle domain);

    [LibraryImport(Library)]
    internal static partial int virDomainDestroy(LibvirtDomainHandle domain);

    [LibraryImport(Library)]
    internal static partial int virDomainShutdown(LibvirtDomainHandle domain);

    [LibraryImport(Library)]
    internal static partial int virDomainReboot(LibvirtDomainHandle domain, uint flags);

    [LibraryImport(Library)]
    internal static partial int virDomainSuspend(LibvirtDomainHandle domain);

    [LibraryImport(Library)]
    internal static partial int virDomainInjectNMI(LibvirtDomainHandle domain, uint flags);

    [LibraryImport(Library)]
    internal static partial int virDomainResume(LibvirtDomainHandle domain);

    [LibraryImport(Library)]
    internal static partial int virDomainManagedSave(LibvirtDomainHandle domain, uint flags);

    [LibraryImport(Library)]
    internal static partial int virDomainHasManagedSaveImage(LibvirtDomainHandle domain, uint flags);

    [LibraryImport(Library)]
    internal static partial int virDomainManagedSaveRemove(LibvirtDomainHandle domain, uint flags);

    [LibraryImport(Library)]
    internal static partial int virDomainGetState(LibvirtDomainHandle domain, out int state, out int reason, uint flags);

    [LibraryImport(Library)]
    internal static partial int virDomainGetInfo(LibvirtDomainHandle domain, out VirDomainInfo info);

    /// <summary>Returns a malloc'd XML string the caller frees.</summary>
    [LibraryImport(Library)]
    internal static partial IntPtr virDomainGetXMLDesc(LibvirtDomainHandle domain, uint flags);

    /// <summary>Writes 36 characters plus NUL into buf (VIR_UUID_STRING_BUFLEN = 37).</summary>
    [LibraryImport(Library)]
    internal static unsafe partial int virDomainGetUUIDString(IntPtr domain, byte* buf);

    /// <summary>The name belongs to the domain object; do not free it.</summary>
    [LibraryImport(Library)]
    internal static partial IntPtr virDomainGetName(LibvirtDomainHandle domain);

    /// <summary>For a domain pointer libvirt lends to a callback.</summary>
    [LibraryImport(Library)]
    internal static partial IntPtr virDomainGetName(IntPtr domain);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainAttachDeviceFlags(LibvirtDomainHandle domain, string xml, uint flags);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainDetachDeviceFlags(LibvirtDomainHandle domain, string xml, uint flags);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainSetUserPassword(LibvirtDomainHandle domain, string user, string password, uint flags);

    // ---- networks ----

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial LibvirtNetworkHandle virNetworkDefineXML(LibvirtConnectionHandle conn, string xml);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial LibvirtNetworkHandle virNetworkLookupByName(LibvirtConnectionHandle conn, string name);

    /// <summary>Fills a malloc'd array of network pointers; each is freed with virNetworkFree, the array with free.</summary>
    [LibraryImport(Library)]
    internal static partial int virConnectListAllNetworks(LibvirtConnectionHandle conn, out IntPtr networks, uint flags);

    [LibraryImport(Library)]
    internal static partial int virNetworkFree(IntPtr network);

    [LibraryImport(Library)]
    internal static partial int virNetworkCreate(LibvirtNetworkHandle network);

    [LibraryImport(Library)]
    internal static partial int virNetworkDestroy(LibvirtNetworkHandle network);

    [LibraryImport(Library)]
    internal static partial int virNetworkUndefine(LibvirtNetworkHandle network);

    [LibraryImport(Library)]
    internal static partial int virNetworkIsActive(LibvirtNetworkHandle network);

    [LibraryImport(Library)]
    internal static partial int virNetworkIsPersistent(LibvirtNetworkHandle network);

    [LibraryImport(Library)]
    internal static partial int virNetworkGetAutostart(LibvirtNetworkHandle network, out int autostart);

    [LibraryImport(Library)]
    internal static partial int virNetworkSetAutostart(LibvirtNetworkHandle network, int autostart);

    /// <summary>Returns a malloc'd XML string the caller frees.</summary>
    [LibraryImport(Library)]
    internal static partial IntPtr virNetworkGetXMLDesc(LibvirtNetworkHandle network, uint flags);

    /// <summary>The name belongs to the network object; do not free it.</summary>
    [LibraryImport(Library)]
    internal static partial IntPtr virNetworkGetName(LibvirtNetworkHandle network);

    /// <summary>Returns a malloc'd string the caller frees.</summary>
    [LibraryImport(Library)]
    internal static partial IntPtr virNetworkGetBridgeName(LibvirtNetworkHandle network);

    /// <summary>command before section, as libvirt.h declares it (the swapped order is refused; a test pins it); libvirt itself makes up for old servers that swapped them.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virNetworkUpdate(
        LibvirtNetworkHandle network, uint command, uint section, int parentIndex, string xml, uint flags);

    // ---- network filters (nwfilter) ----

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial LibvirtNWFilterHandle virNWFilterDefineXML(LibvirtConnectionHandle conn, string xml);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial LibvirtNWFilterHandle virNWFilterLookupByName(LibvirtConnectionHandle conn, string name);

    [LibraryImport(Library)]
    internal static partial int virNWFilterUndefine(LibvirtNWFilterHandle filter);

    [LibraryImport(Library)]
    internal static partial int virNWFilterFree(IntPtr filter);

    /// <summary>The name belongs to the filter object; do not free it.</summary>
    [LibraryImport(Library)]
    internal static partial IntPtr virNWFilterGetName(LibvirtNWFilterHandle filter);

    /// <summary>Returns a malloc'd XML string the caller frees.</summary>
    [LibraryImport(Library)]
    internal static partial IntPtr virNWFilterGetXMLDesc(LibvirtNWFilterHandle filter, uint flags);

    /// <summary>Fills a malloc'd array of filter pointers; each is freed with virNWFilterFree, the array with free.</summary>
    [LibraryImport(Library)]
    internal static partial int virConnectListAllNWFilters(LibvirtConnectionHandle conn, out IntPtr filters, uint flags);

    // ---- events ----

    [LibraryImport(Library)]
    internal static partial int virEventRegisterDefaultImpl();

    [LibraryImport(Library)]
    internal static partial int virEventRunDefaultImpl();

    [LibraryImport(Library)]
    internal static unsafe partial int virEventAddTimeout(
        int frequency, delegate* unmanaged<int, IntPtr, void> cb, IntPtr opaque, IntPtr ff);

    [LibraryImport(Library)]
    internal static partial int virEventRemoveTimeout(int timer);

    /// <summary>cb is cast to the lifecycle signature for VIR_DOMAIN_EVENT_ID_LIFECYCLE.</summary>
    [LibraryImport(Library)]
    internal static unsafe partial int virConnectDomainEventRegisterAny(
        LibvirtConnectionHandle conn, IntPtr dom, int eventID,
        delegate* unmanaged<IntPtr, IntPtr, int, int, IntPtr, int> cb, IntPtr opaque, IntPtr freecb);

    [LibraryImport(Library)]
    internal static partial int virConnectDomainEventDeregisterAny(LibvirtConnectionHandle conn, int callbackID);

    // ---- errors ----

    [LibraryImport(Library)]
    internal static partial IntPtr virGetLastError();

    [LibraryImport(Library)]
    internal static partial void virResetLastError();

    [LibraryImport(Library)]
    internal static unsafe partial void virSetErrorFunc(IntPtr userData, delegate* unmanaged<IntPtr, IntPtr, void> handler);

    // ---- constants (libvirt-domain.h) ----

    internal const int VIR_DOMAIN_EVENT_ID_LIFECYCLE = 0;
    internal const uint VIR_DOMAIN_UNDEFINE_MANAGED_SAVE = 1;
    internal const uint VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA = 2;
    internal const uint VIR_DOMAIN_REBOOT_DEFAULT = 0;
    internal const uint VIR_DOMAIN_AFFECT_LIVE = 1;
    internal const uint VIR_DOMAIN_AFFECT_CONFIG = 2;
    internal const int VIR_ERR_NO_DOMAIN = 42;
    internal const int VIR_ERR_OPERATION_INVALID = 55;
    internal const int VIR_ERR_NO_SUPPORT = 3;
    internal const int VIR_ERR_AGENT_UNRESPONSIVE = 86;
    internal const int VIR_ERR_ARGUMENT_UNSUPPORTED = 74;
    internal const int VIR_ERR_OPERATION_UNSUPPORTED = 84;
    internal const int VIR_ERR_INVALID_ARG = 8;
    internal const int VIR_ERR_NO_NETWORK = 43;
    internal const int VIR_ERR_NO_NWFILTER = 62;

    // ---- constants (libvirt-network.h) ----

    internal const uint VIR_NETWORK_XML_INACTIVE = 1;
    internal const uint VIR_NETWORK_UPDATE_COMMAND_MODIFY = 1;
    internal const uint VIR_NETWORK_UPDATE_COMMAND_DELETE = 2;
    internal const uint VIR_NETWORK_UPDATE_COMMAND_ADD_LAST = 3;
    internal const uint VIR_NETWORK_SECTION_IP_DHCP_HOST = 4;
    internal const uint VIR_NETWORK_UPDATE_AFFECT_LIVE = 1;
    internal const uint VIR_NETWORK_UPDATE_AFFECT_CONFIG = 2;

    /// <summary>The first ip element that has DHCP entries, else the first IPv4 one.</summary>
    internal const int VIR_NETWORK_UPDATE_ANY_PARENT = -1;

    /// <summary>The leading fields of libvirt's virError struct.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirError
    {
        public int Code;
        public int Domain;
        public IntPtr Message;
        public int Level;
    }

    /// <summary>virDomainInfo; C unsigned long is 64-bit on Linux x86_64.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirDomainInfo
    {
        public byte State;
        public ulong MaxMemKiB;
        public ulong MemoryKiB;
        public ushort NrVirtCpu;
        public ulong CpuTimeNs;
    }

    /// <summary>virNodeInfo: model is char[32].</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct VirNodeInfo
    {
        public fixed byte Model[32];
        public ulong MemoryKiB;
        public uint Cpus;
        public uint Mhz;
        public uint Nodes;
        public uint Sockets;
        public uint Cores;
        public uint Threads;
    }
}
