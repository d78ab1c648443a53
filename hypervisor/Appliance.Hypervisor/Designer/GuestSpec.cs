using Appliance.Hypervisor.Networking;

namespace Appliance.Hypervisor.Designer;

/// <summary>What the driver wants a guest to be, in its own words; the designer decides how libvirt says it.</summary>
public sealed record GuestSpec
{
    public required Guid Uuid { get; init; }

    /// <summary>The libvirt domain name; unique on the host.</summary>
    public required string Name { get; init; }

    public required int MemoryMiB { get; init; }

    public required int VCpus { get; init; }

    /// <summary>Guest disks in bus order: root first, then ephemeral, swap and volumes.</summary>
    public IReadOnlyList<GuestSpecDisk> Disks { get; init; } = [];

    /// <summary>The config drive ISO, attached as a read-only cdrom; null for none.</summary>
    public string? ConfigDrivePath { get; init; }

    /// <summary>Direct kernel boot when both kernel and ramdisk are given; boot from the first disk otherwise.</summary>
    public string? KernelPath { get; init; }

    public string? RamdiskPath { get; init; }

    /// <summary>The kernel command line for a direct boot; null for the default.</summary>
    public string? KernelCmdline { get; init; }

    public required string ConsoleLogPath { get; init; }

    /// <summary>Virtio NICs in port order; none for a guest without a network.</summary>
    public IReadOnlyList<GuestNic> Nics { get; init; } = [];
}

/// <summary>One disk file of a guest, with its format known, never probed.</summary>
public sealed record GuestSpecDisk(string Path, string Format)
{
    /// <summary>The files under Path, nearest first (a root overlay's cached base image).</summary>
    public IReadOnlyList<(string Path, string Format)> BackingChain { get; init; } = [];

    /// <summary>Shown to the guest as the disk's serial, e.g. a volume id.</summary>
    public string? Serial { get; init; }
}
