using System.Runtime.InteropServices;

namespace Appliance.Hypervisor.Interop;

/// <summary>Turns libvirt's thread-local error state into exceptions, and keeps libvirt off stderr.</summary>
internal static class LibvirtErrors
{
    private static int s_silenced;

    /// <summary>Installs a no-op error handler once per process; libvirt otherwise prints every error.</summary>
    public static unsafe void Silence()
    {
        if (Interlocked.Exchange(ref s_silenced, 1) == 0)
        {
            Libvirt.virSetErrorFunc(IntPtr.Zero, &IgnoreError);
        }
    }

    /// <summary>Copies the last error of this thread into an exception; call right after the failing call.</summary>
    public static LibvirtException Capture(string operation)
    {
        var errorPtr = Libvirt.virGetLastError();
        if (errorPtr == IntPtr.Zero)
        {
            return new LibvirtException(operation, code: 0, domain: 0, $"{operation} failed");
        }

        var error = Marshal.PtrToStructure<Libvirt.VirError>(errorPtr);
        var message = Marshal.PtrToStringUTF8(error.Message) ?? $"{operation} failed";
        Libvirt.virResetLastError();
        return new LibvirtException(operation, error.Code, error.Domain, message);
    }

    [UnmanagedCallersOnly]
    private static void IgnoreError(IntPtr userData, IntPtr error) { }
}
