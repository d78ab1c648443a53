using System.Xml.Linq;
using Appliance.Hypervisor.Interop;

namespace Appliance.Hypervisor.Host.Acceleration;

/// <summary>
/// What the host shows about KVM, read once: the device, the CPU's virtualization flags (what virt-host-validate checks)
/// and whether libvirt's domain capabilities offer kvm. Plain data, so the choice can be tested with any host's inputs.
/// </summary>
/// <param name="LibvirtOffersKvm">null when libvirt could not be asked (not running, or a driver without domain capabilities).</param>
public sealed record KvmEvidence(bool DeviceExists, bool DeviceWritable, string CpuInfo, bool? LibvirtOffersKvm)
{
    public const string DevicePath = "/dev/kvm";

    private static readonly string[] HardwareFlags = ["vmx", "svm"];

    /// <summary>Intel VT-x (vmx) or AMD-V (svm) in the CPU flags.</summary>
    public bool HasHardwareVirtualization => Flags().Overlaps(HardwareFlags);

    /// <summary>The CPU says it runs under a hypervisor: KVM here is nested.</summary>
    public bool IsGuest => Flags().Contains("hypervisor");

    private HashSet<string> Flags() =>
        CpuInfo.Split('\n')
            .Where(line => line.StartsWith("flags", StringComparison.Ordinal) && line.Contains(':', StringComparison.Ordinal))
            .SelectMany(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Reads this host; libvirt is asked through host when given (null: not asked).</summary>
    public static KvmEvidence Read(LibvirtHost? host) =>
        new(File.Exists(DevicePath), CanOpenReadWrite(DevicePath), HostFiles.ReadOrEmpty("/proc/cpuinfo"), host is null ? null : AskLibvirt(host));

    /// <summary>True when domain capabilities XML names kvm as its domain type.</summary>
    public static bool OffersKvm(string domainCapabilitiesXml)
    {
        try
        {
            return (string?)XElement.Parse(domainCapabilitiesXml).Element("domain") == "kvm";
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }

    private static bool? AskLibvirt(LibvirtHost host)
    {
        try
        {
            return OffersKvm(host.DomainCapabilities("kvm"));
        }
        catch (LibvirtException e) when (e.Code == Libvirt.VIR_ERR_NO_SUPPORT)
        {
            return null; // a driver without domain capabilities (the test driver) says nothing either way
        }
        catch (LibvirtException)
        {
            return false; // the QEMU driver refuses kvm: it probed the emulator and found no usable KVM
        }
        catch (HypervisorUnavailableException)
        {
            return null;
        }
    }

    private static bool CanOpenReadWrite(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }
}
