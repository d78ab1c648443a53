using System.Runtime.InteropServices;

namespace Appliance.Hypervisor.Interop;

/// <summary>A virConnectPtr; closing the handle closes the connection.</summary>
internal sealed class LibvirtConnectionHandle : SafeHandle
{
    public LibvirtConnectionHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => Libvirt.virConnectClose(handle) >= 0;
}
