using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Host.Acceleration;

namespace Appliance.Core.Configuration;

/// <summary>How guests run (section Appliance:Hypervisor), as Nova's [libvirt] virt_type, cpu_mode and cpu_models.</summary>
public sealed class HypervisorOptions
{
    /// <summary>auto (kvm where it works, else qemu), kvm or qemu.</summary>
    public string VirtType { get; set; } = "auto";

    /// <summary>host-model (Nova's default on KVM), host-passthrough, custom or none; TCG guests keep QEMU's model.</summary>
    public string CpuMode { get; set; } = "host-model";

    /// <summary>The model for CpuMode custom, e.g. Haswell-noTSX.</summary>
    public string? CpuModel { get; set; }

    private static readonly Dictionary<string, VirtTypeSetting> VirtTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["auto"] = VirtTypeSetting.Auto,
        ["kvm"] = VirtTypeSetting.Kvm,
        ["qemu"] = VirtTypeSetting.Qemu,
    };

    internal VirtTypeSetting VirtTypeSetting =>
        VirtTypes.TryGetValue(VirtType.Trim(), out var setting) ? setting : throw new InvalidOperationException(Problem());

    internal CpuPolicy CpuPolicy => CpuPolicy.Parse(CpuMode, CpuModel, out var problem) ?? throw new InvalidOperationException(problem);

    /// <summary>What is wrong with the values, in the operator's terms, or null when they are usable.</summary>
    public string? Problem() =>
        !VirtTypes.ContainsKey(VirtType.Trim()) ? $"virt type {VirtType} is not one of {string.Join(", ", VirtTypes.Keys)}"
        : CpuPolicy.Parse(CpuMode, CpuModel, out var problem) is null ? problem
        : null;
}
