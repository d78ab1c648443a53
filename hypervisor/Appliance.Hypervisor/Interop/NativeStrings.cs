using System.Runtime.InteropServices;

namespace Appliance.Hypervisor.Interop;

/// <summary>Reads strings libvirt malloc'd for the caller, and frees them.</summary>
internal static class NativeStrings
{
    /// <summary>Copies then frees a char* that libvirt handed over; null when the call failed.</summary>
    public static unsafe string? TakeUtf8(IntPtr text)
    {
        if (text == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(text);
        }
        finally
        {
            // libvirt allocates with malloc; NativeMemory.Free is free() on Unix.
            NativeMemory.Free((void*)text);
        }
    }
}
