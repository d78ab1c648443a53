using Appliance.Hypervisor.ConfigDrive;
using Appliance.Hypervisor.Networking;

namespace Appliance.Hypervisor.Driver;

/// <summary>One guest to create: flavor sizes, what it boots from, its volumes and its config drive.</summary>
public sealed record SpawnRequest
{
    public required Guid Uuid { get; init; }

    /// <summary>The libvirt domain name, unique on the host (Nova's instance-%08x).</summary>
    public required string Name { get; init; }

    public required int MemoryMiB { get; init; }

    public required int VCpus { get; init; }

    /// <summary>The flavor's root disk; 0 means the image's own size.</summary>
    public long RootGiB { get; init; }

    public int SwapMiB { get; init; }

    public int EphemeralGiB { get; init; }

    /// <summary>The image of the root overlay; null when the guest boots from its first volume.</summary>
    public ImageFile? Image { get; init; }

    /// <summary>With Ramdisk: a direct kernel boot (the image's kernel_id / ramdisk_id).</summary>
    public ImageFile? Kernel { get; init; }

    public ImageFile? Ramdisk { get; init; }

    public string? KernelCmdline { get; init; }

    /// <summary>Volumes after the local disks, in this order; with no Image the first is the boot disk.</summary>
    public IReadOnlyList<VolumeFile> Volumes { get; init; } = [];

    /// <summary>The config drive's content; null for no config drive.</summary>
    public InstanceMetadata? ConfigDrive { get; init; }

    /// <summary>Virtio NICs in port order; none for a guest without a network.</summary>
    public IReadOnlyList<GuestNic> Nics { get; init; } = [];
}

/// <summary>An image as the image store holds it: its id (the cache key), its file and its format.</summary>
public sealed record ImageFile(string ImageId, string Path, string Format);

/// <summary>A volume file to attach; the id is shown to the guest as the disk serial.</summary>
public sealed record VolumeFile(string VolumeId, string Path, string Format);
