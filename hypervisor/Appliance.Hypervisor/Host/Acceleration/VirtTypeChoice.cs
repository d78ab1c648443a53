namespace Appliance.Hypervisor.Host.Acceleration;

/// <summary>The domain type guests get (kvm or qemu), why, and, for a forced kvm that cannot work, the one line that says so.</summary>
public sealed record VirtTypeChoice(string VirtType, string Reason, string? Problem = null)
{
    public const string Kvm = "kvm";
    public const string Qemu = "qemu";

    /// <summary>KVM or TCG: what the status page and the logs call it.</summary>
    public string Accelerator => VirtType == Kvm ? "KVM" : "TCG";

    public static VirtTypeChoice Choose(VirtTypeSetting setting, KvmEvidence evidence)
    {
        var whyNot = WhyKvmCannotWork(evidence);
        return setting switch
        {
            VirtTypeSetting.Qemu => new(Qemu, "set to qemu: TCG emulation"),
            VirtTypeSetting.Kvm when whyNot is null => new(Kvm, "set to kvm"),
            VirtTypeSetting.Kvm => new(Kvm, "set to kvm", $"virt type kvm cannot work on this host: {whyNot}; use --virt-type auto (or qemu)"),
            _ when whyNot is null => new(Kvm, evidence.IsGuest
                ? "hardware virtualization through nested KVM (this host is itself a guest)"
                : "hardware virtualization: /dev/kvm is usable and the CPU has vmx/svm"),
            _ => new(Qemu, $"TCG emulation, slower: {whyNot}"),
        };
    }

    /// <summary>The first thing that stops a kvm guest from running, as virt-host-validate would name it; null when nothing does.</summary>
    public static string? WhyKvmCannotWork(KvmEvidence evidence) =>
        !evidence.DeviceExists ? "there is no /dev/kvm (kvm module not loaded, or virtualization off in the firmware)"
        : !evidence.HasHardwareVirtualization ? "the CPU shows no hardware virtualization (no vmx or svm flag), so /dev/kvm runs no ordinary guest"
        : !evidence.DeviceWritable ? "/dev/kvm can't be opened read-write by the appliance's user"
        : evidence.LibvirtOffersKvm == false ? "libvirt's domain capabilities do not offer kvm"
        : null;
}
