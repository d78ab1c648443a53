namespace Appliance.Hypervisor.Host.Acceleration;

/// <summary>What the operator asked for, as Nova's [libvirt] virt_type, plus auto: decide from the host.</summary>
public enum VirtTypeSetting
{
    Auto,
    Kvm,
    Qemu,
}
