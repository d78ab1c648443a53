using System.Diagnostics;
using System.Runtime.CompilerServices;
using Appliance.Hypervisor.Processes;

namespace Appliance.Tests.Networking;

/// <summary>
/// Debian 12 with cloud-init, openssh-server and ifupdown as one qcow2 disk, built from Debian's packages by
/// tests/guest/build-debian-cloud.sh and kept beside the test guest until that script (or its customize hook) changes.
/// </summary>
internal sealed record DebianCloudGuest(string Disk, TimeSpan BuildTime)
{
    /// <summary>The user cloud-init makes from Debian's cloud.cfg, with the server's key pair.</summary>
    public const string User = "debian";

    /// <summary>cloud-init's final message, once per boot: the boot has run every module.</summary>
    public const string DoneMarker = "finished at";

    /// <summary>The script's exit code for "this machine lacks a tool or root" (automake's skip).</summary>
    private const int Unbuildable = 77;

    private static readonly string s_output = Path.Combine(Path.GetTempPath(), "appliance-test-guest");

    /// <summary>Builds (or reuses) the disk; null with the reason when this machine lacks what the build needs.</summary>
    public static async Task<(DebianCloudGuest? Guest, string? Why)> BuildAsync([CallerFilePath] string caller = "")
    {
        var script = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, "..", "..", "guest", "build-debian-cloud.sh"));
        var watch = Stopwatch.StartNew();
        try
        {
            await HostCommand.RunAsync(script, [s_output]);
            return (new DebianCloudGuest(Path.Combine(s_output, "debian-cloud.qcow2"), watch.Elapsed), null);
        }
        catch (HostCommandException e) when (e.ExitCode == Unbuildable)
        {
            return (null, $"the Debian cloud guest cannot be built here: {e.Message}");
        }
    }
}
