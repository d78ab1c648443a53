using System.Runtime.InteropServices;

namespace Appliance.Hypervisor.Interop;

/// <summary>A virDomainPtr reference; disposing it calls virDomainFree (the domain itself lives on).</summary>
internal sealed class LibvirtDomainHandle : SafeHandle
{
    private static long s_live;

    public LibvirtDomainHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>Takes ownership of a reference libvirt handed out (e.g. from virConnectListAllDomains).</summary>
    public LibvirtDomainHandle(IntPtr domain) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(domain);
        Track();
    }

    /// <summary>How many domain references this process holds; tests assert it returns to its start.</summary>
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
        return Libvirt.virDomainFree(handle) >= 0;
    }
}
