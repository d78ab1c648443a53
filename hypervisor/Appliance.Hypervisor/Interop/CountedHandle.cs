using System.Runtime.InteropServices;

namespace Appliance.Hypervisor.Interop;

/// <summary>
/// A libvirt reference (connection, domain, network) counted per kind while held, so tests can assert none leaks; each
/// kind says how it is let go of.
/// </summary>
internal abstract class CountedHandle<TSelf> : SafeHandle where TSelf : CountedHandle<TSelf>
{
    private static long s_live;

    protected CountedHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>Takes ownership of a reference libvirt handed out (e.g. from a virConnectListAll* call).</summary>
    protected CountedHandle(IntPtr reference) : this()
    {
        SetHandle(reference);
        Track();
    }

    /// <summary>How many references of this kind the process holds; tests assert it returns to its start.</summary>
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

    /// <summary>libvirt's free or close for this kind; true when it succeeded.</summary>
    protected abstract bool Free(IntPtr reference);

    protected sealed override bool ReleaseHandle()
    {
        Interlocked.Decrement(ref s_live);
        return Free(handle);
    }
}
