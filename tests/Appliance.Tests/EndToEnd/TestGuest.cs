using System.Runtime.CompilerServices;
using Appliance.Hypervisor.Processes;

namespace Appliance.Tests.EndToEnd;

/// <summary>The kernel and initramfs of the project's test guest, built once per machine by tests/guest/build-test-guest.sh.</summary>
internal sealed record TestGuest(string Kernel, string Initrd)
{
    /// <summary>The bootable-disk variant (MBR + syslinux + the same kernel and initramfs), made by build-test-disk.sh.</summary>
    public string Disk => Path.Combine(s_output, "disk.qcow2");

    public const string ReadyMarker = "guest: ready";

    private static readonly string s_output = Path.Combine(Path.GetTempPath(), "appliance-test-guest");

    /// <summary>Builds (or reuses) the guest; null with the reason when this machine lacks the packages.</summary>
    public static Task<(TestGuest? Guest, string? Why)> BuildAsync([CallerFilePath] string caller = "") =>
        RunAsync("build-test-guest.sh", caller);

    /// <summary>As BuildAsync, and also the bootable disk; needs syslinux, mtools, dosfstools and fdisk.</summary>
    public static Task<(TestGuest? Guest, string? Why)> BuildWithDiskAsync([CallerFilePath] string caller = "") =>
        RunAsync("build-test-disk.sh", caller);

    private static async Task<(TestGuest? Guest, string? Why)> RunAsync(string scriptName, string caller)
    {
        var script = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, "..", "..", "guest", scriptName));
        try
        {
            await HostCommand.RunAsync(script, [s_output]);
            return (new TestGuest(Path.Combine(s_output, "vmlinuz"), Path.Combine(s_output, "initrd.img")), null);
        }
        catch (HostCommandException e)
        {
            return (null, $"the test guest cannot be built here: {e.Message}");
        }
    }
}
