namespace Appliance.Hypervisor.Interop;

/// <summary>A virNWFilterPtr reference; disposing it calls virNWFilterFree (the filter itself lives on).</summary>
internal sealed class LibvirtNWFilterHandle : CountedHandle<LibvirtNWFilterHandle>
{
    public LibvirtNWFilterHandle() { }

    /// <summary>Takes ownership of a reference libvirt handed out (from virConnectListAllNWFilters).</summary>
    public LibvirtNWFilterHandle(IntPtr filter) : base(filter) { }

    protected override bool Free(IntPtr reference) => Libvirt.virNWFilterFree(reference) >= 0;
}
