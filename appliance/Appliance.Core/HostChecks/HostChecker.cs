using System.Net;
using System.Net.Sockets;
using Appliance.Core.Configuration;
using Appliance.Hypervisor;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Host;
using Appliance.Hypervisor.Host.Acceleration;

namespace Appliance.Core.HostChecks;

/// <summary>
/// <c>appliance check</c>: the host checks of virt-host-validate that matter here, plus what the appliance itself needs
/// (tools, data dir, port, networking features). Each line says PASS, WARN or FAIL and, when not PASS, the fix.
/// </summary>
public static class HostChecker
{
    private const long GiB = 1L << 30;
    private const long FailBelowBytes = 1 * GiB;
    private const long WarnBelowBytes = 10 * GiB;

    public static async Task<IReadOnlyList<HostCheckResult>> RunAsync(ApplianceOptions options, CancellationToken cancellationToken = default)
    {
        using var libvirt = new LibvirtHost(options.LibvirtUri);
        var profile = HostProfile.Detect(options.Hypervisor, libvirt);
        var results = new List<HostCheckResult>();
        results.AddRange(Kvm(profile.Evidence));
        results.Add(VirtType(profile));
        results.AddRange(await Task.Run(() => Libvirt(libvirt, options.LibvirtUri), cancellationToken));
        results.Add(await ToolAsync("qemu-img", "qemu-utils", cancellationToken));
        results.Add(await ToolAsync("genisoimage", "genisoimage", cancellationToken));
        results.AddRange(DataDir(options));
        results.Add(ListenPort(options.Listen));
        results.Add(Kernel("bridge", "bridge", "/sys/module/bridge", "modprobe bridge"));
        results.Add(Kernel("tun", "tun", "/dev/net/tun", "modprobe tun"));
        return results;
    }

    /// <summary>Each check of KVM on its own, as virt-host-validate lists them.</summary>
    internal static IEnumerable<HostCheckResult> Kvm(KvmEvidence evidence)
    {
        yield return evidence.HasHardwareVirtualization
            ? HostCheckResult.Pass("hardware virtualization", evidence.IsGuest ? "vmx/svm present (nested: this host is a guest itself)" : "vmx/svm present")
            : HostCheckResult.Fail("hardware virtualization", "the CPU has no vmx or svm flag, so guests run under TCG emulation (slower); " +
                "fix: turn on VT-x/AMD-V in the firmware, or nested virtualization on the parent host");
        yield return !evidence.DeviceExists
            ? HostCheckResult.Fail("/dev/kvm", "missing; fix: modprobe kvm_intel (or kvm_amd) once virtualization is on")
            : evidence.DeviceWritable
                ? HostCheckResult.Pass("/dev/kvm", "present, opens read-write")
                : HostCheckResult.Fail("/dev/kvm", "present but not writable; fix: run as root, or add the user to group kvm");
        yield return evidence.LibvirtOffersKvm switch
        {
            true => HostCheckResult.Pass("libvirt kvm support", "the domain capabilities offer kvm"),
            false => HostCheckResult.Fail("libvirt kvm support", "the domain capabilities don't offer kvm (QEMU found no usable KVM)"),
            null => HostCheckResult.Warn("libvirt kvm support", "libvirt could not be asked (see the libvirt line)"),
        };
    }

    public static HostCheckResult VirtType(HostProfile profile) =>
        profile.Problem is { } problem ? HostCheckResult.Fail("virt type", problem)
        : profile.VirtType == VirtTypeChoice.Kvm ? HostCheckResult.Pass("virt type", $"kvm: {profile.Reason}")
        : HostCheckResult.Warn("virt type", $"qemu (TCG): {profile.Reason}");

    private static IEnumerable<HostCheckResult> Libvirt(LibvirtHost libvirt, string uri)
    {
        HypervisorInfo info;
        try
        {
            info = libvirt.Describe();
        }
        catch (Exception e) when (e is HypervisorUnavailableException or HypervisorOperationException)
        {
            return [HostCheckResult.Fail("libvirt", $"no answer at {uri}; fix: start it (libvirtd -d, or systemctl start libvirtd)")];
        }

        var hypervisor = info.Type == "QEMU"
            ? HostCheckResult.Pass("QEMU", $"QEMU {info.HypervisorVersion}")
            : HostCheckResult.Warn("QEMU", $"the {info.Type} driver at {uri} runs no real guests; fix: --libvirt-uri qemu:///system");
        return [HostCheckResult.Pass("libvirt", $"libvirt {info.LibvirtVersion} at {uri}"), hypervisor];
    }

    private static async Task<HostCheckResult> ToolAsync(string tool, string package, CancellationToken cancellationToken) =>
        await HostFeatures.ToolVersionAsync(tool, cancellationToken) is { } version
            ? HostCheckResult.Pass(tool, version)
            : HostCheckResult.Fail(tool, $"not found; fix: apt-get install {package}");

    private static IEnumerable<HostCheckResult> DataDir(ApplianceOptions options)
    {
        var dataDir = Path.GetFullPath(options.DataDir);
        var existing = dataDir;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        var free = new DriveInfo(existing).AvailableFreeSpace;
        var space = $"{free / (double)GiB:F1} GiB free under {dataDir}";
        yield return free < FailBelowBytes ? HostCheckResult.Fail("data dir space", $"{space}; fix: free space or use another --data-dir")
            : free < WarnBelowBytes ? HostCheckResult.Warn("data dir space", $"{space}: room for few images and disks")
            : HostCheckResult.Pass("data dir space", space);

        if (File.Exists(dataDir))
        {
            yield return HostCheckResult.Fail("data dir access", $"{dataDir} is a file, not a directory; fix: use another --data-dir");
        }
        else if (DataDirAccess.Problem(dataDir, options.LibvirtUri) is { } problem)
        {
            yield return HostCheckResult.Fail("data dir access", problem);
        }
        else
        {
            yield return HostCheckResult.Pass("data dir access", existing == dataDir
                ? "libvirt's QEMU user can reach the guests' disks"
                : $"{dataDir} will be made at the first start");
        }
    }

    private static HostCheckResult ListenPort(string listen)
    {
        if (!Uri.TryCreate(listen.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal),
                UriKind.Absolute, out var url))
        {
            return HostCheckResult.Fail("listen port", $"{listen} is not a URL such as {ApplianceOptions.DefaultListen}");
        }

        var address = IPAddress.TryParse(url.Host.Trim('[', ']'), out var parsed) ? parsed : IPAddress.Loopback;
        var listener = new TcpListener(address, url.Port);
        try
        {
            listener.Start();
            return HostCheckResult.Pass("listen port", $"{url.Host}:{url.Port} is free");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return HostCheckResult.Fail("listen port", $"{url.Host}:{url.Port} is in use (an appliance already running?); fix: stop what holds it, or --listen another port");
        }
        catch (SocketException e)
        {
            return HostCheckResult.Fail("listen port", $"{url.Host}:{url.Port} can't be bound ({e.SocketErrorCode}); fix: --listen an address of this host");
        }
        finally
        {
            listener.Stop();
        }
    }

    private static HostCheckResult Kernel(string name, string module, string loadedMarker, string fix) =>
        HostFeatures.Module(module, loadedMarker) switch
        {
            KernelFeature.Loaded => HostCheckResult.Pass(name, "loaded"),
            KernelFeature.Available => HostCheckResult.Pass(name, "module available, loads on first use"),
            _ => HostCheckResult.Warn(name, $"not found; guest networking will need it; fix: {fix}"),
        };
}
