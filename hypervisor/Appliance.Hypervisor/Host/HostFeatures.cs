using System.ComponentModel;
using Appliance.Hypervisor.Processes;

namespace Appliance.Hypervisor.Host;

/// <summary>What the host offers beside libvirt: the tools the driver runs and the kernel features guest networking needs.</summary>
public static class HostFeatures
{
    /// <summary>The first line a tool prints for --version; null when it is not installed or fails.</summary>
    public static async Task<string?> ToolVersionAsync(string tool, CancellationToken cancellationToken = default)
    {
        try
        {
            var output = await HostCommand.RunAsync(tool, ["--version"], cancellationToken).ConfigureAwait(false);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        }
        catch (Exception e) when (e is Win32Exception or HostCommandException)
        {
            return null;
        }
    }

    /// <summary>Whether the kernel has a feature loaded or can load its module: loaded, available, or missing.</summary>
    public static KernelFeature Module(string name, string loadedMarker)
    {
        if (Path.Exists(loadedMarker) || Path.Exists($"/sys/module/{name}"))
        {
            return KernelFeature.Loaded;
        }

        var release = HostFiles.ReadOrEmpty("/proc/sys/kernel/osrelease").Trim();
        var modulesDep = HostFiles.ReadOrEmpty($"/lib/modules/{release}/modules.dep");
        var builtin = HostFiles.ReadOrEmpty($"/lib/modules/{release}/modules.builtin");
        var file = $"/{name}.ko";
        return modulesDep.Split('\n').Concat(builtin.Split('\n'))
            .Any(line => line.Split(':')[0] is var path && (path.EndsWith(file, StringComparison.Ordinal) || path.Contains(file + ".", StringComparison.Ordinal)))
            ? KernelFeature.Available
            : KernelFeature.Missing;
    }
}

public enum KernelFeature
{
    Missing,
    Available,
    Loaded,
}
