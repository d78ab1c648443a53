using System.Text.RegularExpressions;
using Appliance.Benchmarks;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Host;
using Appliance.Hypervisor.Host.Acceleration;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Cli;

/// <summary>`appliance check` and the host refusals of `serve`, run as a user runs them.</summary>
public sealed class HostCheckCommandTests
{
    private static readonly Regex CheckLine = new(@"^(PASS|WARN|FAIL)  (?<name>.+?)  +(?<detail>\S.*)$");

    /// <summary>Why KVM can't run guests on the machine running the tests; null where it can.</summary>
    private static string? WhyNoKvmHere() => VirtTypeChoice.WhyKvmCannotWork(KvmEvidence.Read(host: null));

    [Fact]
    public async Task Check_PrintsOneVerdictALine_AndExitsOneExactlyWhenSomethingFailed()
    {
        using var dir = new TempDataDir();
        var (exit, stdout, stderr) = await ApplianceProcess.RunAsync("check", "--data-dir", Path.Combine(dir.Path, "data"),
            "--libvirt-uri", "test:///default", "--listen", "http://127.0.0.1:0");

        var lines = stdout.TrimEnd('\n').Split('\n');
        var checks = lines[..^1].Select(line => (Line: line, Match: CheckLine.Match(line))).ToList();
        Assert.All(checks, check => Assert.True(check.Match.Success, $"not a check line: {check.Line}"));
        var names = checks.Select(c => c.Match.Groups["name"].Value.TrimEnd()).ToList();
        Assert.Equal(["hardware virtualization", "/dev/kvm", "libvirt kvm support", "virt type", "libvirt", "QEMU", "qemu-img", "genisoimage",
            "data dir space", "data dir access", "listen port", "bridge", "tun"], names);
        var failed = checks.Count(c => c.Line.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.Equal(failed == 0 ? 0 : 1, exit);
        Assert.StartsWith(failed == 0 ? "appliance check: ready" : $"appliance check: {failed} failed", lines[^1]);
        Assert.Equal("", stderr);

        // The test driver is not QEMU: said as a warning with the fix, never a pass.
        Assert.StartsWith("WARN  QEMU", checks[names.IndexOf("QEMU")].Line);
        Assert.Contains("fix: --libvirt-uri qemu:///system", checks[names.IndexOf("QEMU")].Line);
        var virtType = checks[names.IndexOf("virt type")].Line;
        if (WhyNoKvmHere() is { } why)
        {
            Assert.Equal($"WARN  virt type{new string(' ', names.Max(n => n.Length) - "virt type".Length)}  qemu (TCG): TCG emulation, slower: {why}", virtType);
            Assert.Equal(1, exit); // without hardware virtualization something above FAILed, as virt-host-validate says
        }
        else
        {
            Assert.StartsWith("PASS  virt type", virtType);
        }
    }

    [Fact]
    public async Task Check_OfAPortInUse_FailsItWithTheFix()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var dir = new TempDataDir();

        var (exit, stdout, _) = await ApplianceProcess.RunAsync("check", "--data-dir", dir.Path, "--libvirt-uri", "test:///default",
            "--listen", $"http://127.0.0.1:{port}");

        Assert.Equal(1, exit);
        Assert.Contains($"  127.0.0.1:{port} is in use (an appliance already running?); fix: stop what holds it, or --listen another port\n", stdout);
        Assert.Matches($@"(?m)^FAIL  listen port +127\.0\.0\.1:{port} ", stdout);
    }

    [SkippableFact]
    public async Task Serve_WithVirtTypeKvm_WhereKvmCannotWork_ExitsTwoWithOneLine()
    {
        var why = WhyNoKvmHere();
        Skip.If(why is null, "KVM works on this machine, so a forced kvm starts");
        using var dir = new TempDataDir();

        var (exit, stdout, stderr) = await ApplianceProcess.RunAsync("serve", "--data-dir", dir.Path, "--libvirt-uri", "test:///default",
            "--listen", "http://127.0.0.1:0", "--virt-type", "kvm");

        Assert.Equal(2, exit);
        Assert.Equal($"appliance: virt type kvm cannot work on this host: {why}; use --virt-type auto (or qemu)\n", stderr);
        Assert.DoesNotContain("Serving on", stdout);
    }

    [Fact]
    public async Task Serve_WithAnUnknownVirtType_ExitsTwoWithOneLine()
    {
        using var dir = new TempDataDir();

        var (exit, _, stderr) = await ApplianceProcess.RunAsync("serve", "--data-dir", dir.Path, "--libvirt-uri", "test:///default", "--virt-type", "xen");

        Assert.Equal(2, exit);
        Assert.Equal("appliance: virt type xen is not one of auto, kvm, qemu\n", stderr);
    }

    [SkippableFact]
    public async Task Serve_OnQemuSystem_WithADataDirQemuCannotReach_ExitsTwoNamingTheFix()
    {
        var user = QemuProcessUser.Read();
        Skip.If(user is null or { Uid: 0 }, "no libvirt QEMU user on this machine (libvirt not installed, or QEMU runs as root)");
        using var dir = new TempDataDir(); // mode 0700, as mktemp -d makes it
        var dataDir = Path.Combine(dir.Path, "data");

        var (exit, _, stderr) = await ApplianceProcess.RunAsync("serve", "--data-dir", dataDir, "--libvirt-uri", "qemu:///system", "--listen", "http://127.0.0.1:0");

        Assert.Equal(2, exit);
        Assert.Equal($"appliance: data dir {dataDir} can't be reached by libvirt's QEMU user {user!.Name}: {dir.Path} has mode 0700; " +
            $"fix: chmod o+x {dir.Path} (or use a data dir under /var/lib)\n", stderr);

        // Once the fix is applied, check agrees: data dir access passes.
        HypervisorPaths.SetMode(dir.Path, HypervisorPaths.TraversableMode);
        var (_, stdout, _) = await ApplianceProcess.RunAsync("check", "--data-dir", dataDir, "--libvirt-uri", "qemu:///system", "--listen", "http://127.0.0.1:0");
        Assert.Matches(@"(?m)^PASS  data dir access +", stdout);
    }
}
