namespace Appliance.Hypervisor.Host;

/// <summary>What the host can give guests: CPUs and memory as libvirt sees them, disk free under the data dir.</summary>
public sealed record HostCapacity(int VCpus, long MemoryMiB, long DiskTotalGiB, long DiskFreeGiB, string CpuModel);
