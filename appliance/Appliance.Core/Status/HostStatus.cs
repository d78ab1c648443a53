namespace Appliance.Core.Status;

/// <summary>What the box is and what it is doing now, as the status page's dashboard shows it.</summary>
/// <param name="Accelerator">KVM where hardware virtualization works, else TCG (QEMU's emulation).</param>
/// <param name="AcceleratorReason">Why, in one phrase (e.g. the CPU shows no vmx or svm flag).</param>
/// <param name="Problem">Why the hypervisor could not be asked, when it could not; the numbers from the store still stand.</param>
public sealed record HostStatus(
    HostResources Resources,
    string Accelerator,
    string AcceleratorReason,
    string HypervisorType,
    string LibvirtVersion,
    string HypervisorVersion,
    IReadOnlyDictionary<string, int> ServersByStatus,
    IReadOnlyList<ProjectUsage> Projects,
    IReadOnlyList<UsageSample> History,
    string? Problem);

/// <summary>The host's size (from libvirt and the data dir's file system) and what live servers have claimed of it.</summary>
public sealed record HostResources(
    int Vcpus, long MemoryMiB, long DiskTotalGiB, long DiskFreeGiB, string CpuModel, int VcpusUsed, long MemoryUsedMiB);

/// <summary>A project's use of its instances, cores and ram quotas.</summary>
public sealed record ProjectUsage(string ProjectId, string ProjectName, int Instances, int InstancesLimit, int Cores, int CoresLimit, long RamMiB, long RamLimitMiB);

/// <summary>One point of the dashboard's last-hour graphs.</summary>
public sealed record UsageSample(DateTimeOffset At, int LiveServers, int VcpusUsed, long MemoryUsedMiB, long DiskFreeGiB);
