using System.Runtime.InteropServices;

namespace Appliance.Hypervisor.Interop;

/// <summary>A virNetworkPtr reference; disposing it calls virNetworkFree (the network itself lives on).</summary>
internal sealed class LibvirtNetworkHandle : SafeHandle
{
    private static long s_live;

    public LibvirtNetworkHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>Takes ownership of a reference libvirt handed out (e.g. from virConnectListAllNetworks).</summary>
    public LibvirtNetworkHandle(IntPtr network) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(network);
        Track();
    }

    /// <summary>How many network references this process holds; tests assert it returns to its start.</summary>
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
        return Libvirt.virNetworkFree(handle) >= 0;
    }
}
