namespace Appliance.Hypervisor.Interop;

/// <summary>A virNetworkPtr reference; disposing it calls virNetworkFree (the network itself lives on).</summary>
internal sealed class LibvirtNetworkHandle : CountedHandle<LibvirtNetworkHandle>
{
    public LibvirtNetworkHandle() { }

    /// <summary>Takes ownership of a reference libvirt handed out (e.g. from virConnectListAllNetworks).</summary>
    public LibvirtNetworkHandle(IntPtr network) : base(network) { }

    protected override bool Free(IntPtr reference) => Libvirt.virNetworkFree(reference) >= 0;
}
