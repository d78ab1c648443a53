namespace Appliance.Hypervisor.Driver;

/// <summary>The sizes a flavor gives a guest, as a resize asks for them.</summary>
public sealed record FlavorSize(int MemoryMiB, int VCpus, long RootGiB, int SwapMiB, int EphemeralGiB);
