using System.Runtime.InteropServices;

namespace Appliance.Hypervisor.Interop;

/// <summary>Raw imports from libvirt.so.0; names and signatures follow libvirt's C API.</summary>
internal static partial class Libvirt
{
    internal const string Library = "libvirt.so.0";

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

    [LibraryImport(Library)]
    internal static partial IntPtr virGetLastError();

    [LibraryImport(Library)]
    internal static partial void virResetLastError();

    [LibraryImport(Library)]
    internal static unsafe partial void virSetErrorFunc(IntPtr userData, delegate* unmanaged<IntPtr, IntPtr, void> handler);

    /// <summary>The leading fields of libvirt's virError struct.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirError
    {
        public int Code;
        public int Domain;
        public IntPtr Message;
        public int Level;
    }
}
