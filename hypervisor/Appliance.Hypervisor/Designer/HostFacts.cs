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

    /// <summary>How user-mode NICs are made: libvirt's passt backend where it has one, else QEMU's SLIRP.</summary>
    public UserModeBackend UserMode { get; init; } = UserModeBackend.Passt;

    public bool IsKvm => VirtType == VirtTypeChoice.Kvm;

    private static string BuildVersion() =>
        typeof(HostFacts).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";
}

/// <summary>The user-mode stacks a guest's NIC can have.</summary>
public enum UserModeBackend
{
    /// <summary>libvirt's <c>&lt;backend type='passt'/&gt;</c> with <c>&lt;portForward&gt;</c>: libvirt runs passt and knows the NIC.</summary>
    Passt,

    /// <summary>
    /// QEMU's SLIRP with hostfwd, given on QEMU's command line (qemu:commandline): for a libvirt without passt, e.g. Debian 12's
    /// 9.0.0, which is built with passt turned off and ignores portForward on SLIRP.
    /// </summary>
    QemuSlirp,
}
