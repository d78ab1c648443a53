using System.Runtime.InteropServices;

namespace Appliance.Hypervisor.Interop;

/// <summary>A virConnectPtr; closing the handle closes the connection.</summary>
internal sealed class LibvirtConnectionHandle : SafeHandle
{
    private static long s_live;

    public LibvirtConnectionHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>How many connections this process holds open; tests assert it returns to its start.</summary>
    public static long Live => Interlocked.Read(ref s_live);

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The marshaller sets the handle after construction; count it then.</summary>
    public void Track()
    {
        if (!IsInvalid)
        {
            Interlocked.Increment(ref s_live);
        }
    }

    protected override bool ReleaseHandle()
    {
        Interlocked.Decrement(ref s_live);
        return Libvirt.virConnectClose(handle) >= 0;
    }
}
