using System.Runtime.CompilerServices;
using Appliance.Hypervisor.Processes;

namespace Appliance.Tests.EndToEnd;

/// <summary>The kernel and initramfs of the project's test guest, built once per machine by tests/guest/build-test-guest.sh.</summary>
internal sealed record TestGuest(string Kernel, string Initrd)
{
    public const string ReadyMarker = "guest: ready";

    private static readonly string s_output = Path.Combine(Path.GetTempPath(), "appliance-test-guest");

    /// <summary>Builds (or reuses) the guest; null with the reason when this machine lacks the packages.</summary>
    public static async Task<(TestGuest? Guest, string? Why)> BuildAsync([CallerFilePath] string caller = "")
    {
        var script = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, "..", "..", "guest", "build-test-guest.sh"));
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
