namespace Appliance.Tests.Hypervisor;

/// <summary>Tests that open libvirt connections run one at a time, so handle counts belong to one test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LibvirtCollection
{
    public const string Name = "libvirt";
}
