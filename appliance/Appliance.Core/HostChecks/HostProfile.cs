using Appliance.Core.Configuration;
using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Host;
using Appliance.Hypervisor.Host.Acceleration;

namespace Appliance.Core.HostChecks;

/// <summary>
/// How guests run on this host, decided once at start: the virt type, why, and the facts guests are designed with. Outside
/// the core only its words are seen (web and the CLI show them); the hypervisor's evidence and choice are the core's.
/// </summary>
public sealed class HostProfile
{
    private HostProfile(KvmEvidence evidence, VirtTypeChoice choice, HostFacts facts)
    {
        Evidence = evidence;
        Choice = choice;
        Facts = facts;
    }

    internal KvmEvidence Evidence { get; }

    internal VirtTypeChoice Choice { get; }

    internal HostFacts Facts { get; }

    /// <summary>kvm or qemu, as the domain XML says it.</summary>
    public string VirtType => Choice.VirtType;

    /// <summary>KVM or TCG.</summary>
    public string Accelerator => Choice.Accelerator;

    /// <summary>Why this virt type, in one phrase.</summary>
    public string Reason => Choice.Reason;

    /// <summary>For a forced kvm that can't work here: the one line to refuse to start with.</summary>
    public string? Problem => Choice.Problem;

    /// <summary>One line for the start log and the health check.</summary>
    public string Summary => $"guests run under {Accelerator} (virt type {VirtType}): {Reason}; user-mode NICs on {UserMode}";

    /// <summary>Reads this host and applies the settings; libvirt is asked whether it offers kvm when it answers.</summary>
    internal static HostProfile Detect(HypervisorOptions options, LibvirtHost host)
    {
        var profile = From(options, KvmEvidence.Read(host));
        return new HostProfile(profile.Evidence, profile.Choice, profile.Facts with { UserMode = UserModeProbe.Read(host, profile.VirtType) });
    }

    internal static HostProfile From(HypervisorOptions options, KvmEvidence evidence)
    {
        var choice = VirtTypeChoice.Choose(options.VirtTypeSetting, evidence);
        return new HostProfile(evidence, choice, new HostFacts(choice.VirtType) { Cpu = options.CpuPolicy });
    }

    /// <summary>How user-mode NICs are made here: passt (libvirt's) or slirp (QEMU's, with hostfwd).</summary>
    public string UserMode => Facts.UserMode == UserModeBackend.Passt ? "passt" : "slirp";
}
