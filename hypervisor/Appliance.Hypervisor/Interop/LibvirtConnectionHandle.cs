namespace Appliance.Hypervisor.Interop;

/// <summary>A virConnectPtr; closing the handle closes the connection.</summary>
internal sealed class LibvirtConnectionHandle : CountedHandle<LibvirtConnectionHandle>
{
    protected override bool Free(IntPtr reference) => Libvirt.virConnectClose(reference) >= 0;
}
