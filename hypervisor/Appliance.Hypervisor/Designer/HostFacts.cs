namespace Appliance.Hypervisor.Designer;

/// <summary>What the designer needs to know about the host.</summary>
public sealed record HostFacts(bool HasKvm)
{
    /// <summary>This host: KVM when /dev/kvm exists, TCG emulation otherwise.</summary>
    public static HostFacts Probe() => new(HasKvm: File.Exists("/dev/kvm"));
}
