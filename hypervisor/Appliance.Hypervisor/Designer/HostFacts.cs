using System.Reflection;
using Appliance.Hypervisor.Host.Acceleration;

namespace Appliance.Hypervisor.Designer;

/// <summary>What the designer needs to know about the host and the operator's choices for it.</summary>
/// <param name="VirtType">libvirt's domain type: kvm where hardware virtualization works, qemu (TCG) elsewhere.</param>
public sealed record HostFacts(string VirtType)
{
    /// <summary>A host whose guests run under QEMU's TCG emulation.</summary>
    public static HostFacts Tcg => new(VirtTypeChoice.Qemu);

    /// <summary>A host whose guests run under KVM with Nova's default CPU mode.</summary>
    public static HostFacts Kvm => new(VirtTypeChoice.Kvm);

    /// <summary>The CPU KVM guests see; ignored under TCG.</summary>
    public CpuPolicy Cpu { get; init; } = CpuPolicy.HostModel;

    /// <summary>The version written to the guests' SMBIOS, as Nova writes its own release there.</summary>
    public string ProductVersion { get; init; } = BuildVersion();

    public bool IsKvm => VirtType == VirtTypeChoice.Kvm;

    private static string BuildVersion() =>
        typeof(HostFacts).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";
}
