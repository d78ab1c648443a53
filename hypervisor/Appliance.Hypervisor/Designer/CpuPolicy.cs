namespace Appliance.Hypervisor.Designer;

/// <summary>Nova's [libvirt] cpu_mode: which CPU a KVM guest sees.</summary>
public enum CpuMode
{
    /// <summary>A named model close to the host's CPU that libvirt can keep across hosts (Nova's default on KVM).</summary>
    HostModel,

    /// <summary>The host's CPU as it is, every flag: fastest, least portable.</summary>
    HostPassthrough,

    /// <summary>One named model, e.g. Haswell-noTSX (Nova's cpu_models).</summary>
    Custom,

    /// <summary>No cpu element: the hypervisor's default model.</summary>
    None,
}

/// <summary>The CPU mode for KVM guests and, for custom, the model; TCG guests always get QEMU's default.</summary>
public sealed record CpuPolicy(CpuMode Mode, string? Model = null)
{
    public static readonly CpuPolicy HostModel = new(CpuMode.HostModel);

    /// <summary>The names as Nova's configuration writes them.</summary>
    public static readonly IReadOnlyDictionary<string, CpuMode> Names = new Dictionary<string, CpuMode>(StringComparer.OrdinalIgnoreCase)
    {
        ["host-model"] = CpuMode.HostModel,
        ["host-passthrough"] = CpuMode.HostPassthrough,
        ["custom"] = CpuMode.Custom,
        ["none"] = CpuMode.None,
    };

    /// <summary>Reads a mode name and model as given in settings; returns null and why when they don't make a policy.</summary>
    public static CpuPolicy? Parse(string? mode, string? model, out string? problem)
    {
        problem = null;
        if (!Names.TryGetValue(string.IsNullOrWhiteSpace(mode) ? "host-model" : mode.Trim(), out var parsed))
        {
            problem = $"CPU mode {mode} is not one of {string.Join(", ", Names.Keys)}";
            return null;
        }

        if (parsed == CpuMode.Custom && string.IsNullOrWhiteSpace(model))
        {
            problem = "CPU mode custom needs a CPU model, e.g. --cpu-model Haswell-noTSX";
            return null;
        }

        return new CpuPolicy(parsed, parsed == CpuMode.Custom ? model!.Trim() : null);
    }
}
