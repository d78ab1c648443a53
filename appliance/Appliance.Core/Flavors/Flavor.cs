namespace Appliance.Core.Flavors;

/// <summary>A flavor as Nova defines it: sizes in MB (RAM, swap) and GB (disks).</summary>
public sealed record Flavor(
    string FlavorId,
    string Name,
    int MemoryMb,
    int Vcpus,
    int RootGb,
    int EphemeralGb,
    int Swap,
    double RxtxFactor,
    bool IsPublic,
    bool Disabled,
    string? Description);
