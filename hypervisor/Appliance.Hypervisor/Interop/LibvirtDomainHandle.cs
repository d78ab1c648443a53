namespace Appliance.Hypervisor.Interop;

/// <summary>A virDomainPtr reference; disposing it calls virDomainFree (the domain itself lives on).</summary>
internal sealed class LibvirtDomainHandle : CountedHandle<LibvirtDomainHandle>
{
    public LibvirtDomainHandle() { }

    /// <summary>Takes ownership of a reference libvirt handed out (e.g. from virConnectListAllDomains).</summary>
    public LibvirtDomainHandle(IntPtr domain) : base(domain) { }

    protected override bool Free(IntPtr reference) => Libvirt.virDomainFree(reference) >= 0;
}
