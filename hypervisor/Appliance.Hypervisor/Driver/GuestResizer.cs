using Appliance.Hypervisor.Config;
using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Disks;

namespace Appliance.Hypervisor.Driver;

/// <summary>
/// A cold resize in place: disks grown (never shrunk), swap made anew at its new size, and the domain
/// redefined with the new memory and vCPUs. The guest must be stopped.
/// </summary>
internal static class GuestResizer
{
    /// <summary>Refuses, before anything is touched, a size that would shrink the root or ephemeral disk or drop the ephemeral one.</summary>
    public static async Task CheckAsync(GuestConfig current, HypervisorPaths paths, FlavorSize size, CancellationToken cancellationToken)
    {
        foreach (var disk in current.Disks.Where(d => d.Device == "disk"))
        {
            if (disk.SourceFile == paths.RootDisk(current.Uuid))
            {
                // A root of 0 means "the image's size": the disk stays as it is.
                if (size.RootGiB == 0)
                {
                    continue;
                }

                await CheckNotSmallerAsync(disk, size.RootGiB << 30, "root", cancellationToken).ConfigureAwait(false);
            }
            else if (disk.SourceFile == paths.EphemeralDisk(current.Uuid))
            {
                if (size.EphemeralGiB == 0)
                {
                    throw new InvalidDiskImageException("a resize cannot remove the ephemeral disk");
                }

                await CheckNotSmallerAsync(disk, (long)size.EphemeralGiB << 30, "ephemeral", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task CheckNotSmallerAsync(GuestDisk disk, long sizeBytes, string what, CancellationToken cancellationToken)
    {
        // The guest may still run: its disk is only looked at.
        var info = await QemuImg.InfoOfDiskInUseAsync(disk.SourceFile, disk.Format, cancellationToken).ConfigureAwait(false);
        if (sizeBytes < info.VirtualSizeBytes)
        {
            throw new InvalidDiskImageException($"a resize never shrinks a disk: the {what} disk is {info.VirtualSizeBytes} bytes, the new flavor gives {sizeBytes}");
        }
    }

    public static async Task<GuestSpec> ResizeDisksAsync(GuestConfig current, HypervisorPaths paths, FlavorSize size, CancellationToken cancellationToken)
    {
        var uuid = current.Uuid;
        var disks = new List<GuestSpecDisk>();
        foreach (var disk in current.Disks.Where(d => d.Device == "disk"))
        {
            if (disk.SourceFile == paths.RootDisk(uuid))
            {
                if (size.RootGiB > 0)
                {
                    await GrowAsync(disk.SourceFile, disk.Format, size.RootGiB << 30, "root", cancellationToken).ConfigureAwait(false);
                }
            }
            else if (disk.SourceFile == paths.EphemeralDisk(uuid))
            {
                if (size.EphemeralGiB == 0)
                {
                    throw new InvalidDiskImageException("a resize cannot remove the ephemeral disk");
                }

                await GrowAsync(disk.SourceFile, disk.Format, (long)size.EphemeralGiB << 30, "ephemeral", cancellationToken).ConfigureAwait(false);
            }
            else if (disk.SourceFile == paths.SwapDisk(uuid))
            {
                // Swap holds nothing worth keeping across a stop: it is made anew, or dropped.
                File.Delete(disk.SourceFile);
                continue;
            }

            disks.Add(new GuestSpecDisk(disk.SourceFile, disk.Format)
            {
                Serial = disk.Serial,
                BackingChain = disk.BackingChain.Select(b => (b.SourceFile, b.Format)).ToList(),
            });
        }

        if (size.EphemeralGiB > 0 && !File.Exists(paths.EphemeralDisk(uuid)))
        {
            await LocalDisks.CreateEphemeralAsync(paths.EphemeralDisk(uuid), size.EphemeralGiB, cancellationToken).ConfigureAwait(false);
            disks.Insert(Math.Min(1, disks.Count), new GuestSpecDisk(paths.EphemeralDisk(uuid), "raw"));
        }

        if (size.SwapMiB > 0)
        {
            await LocalDisks.CreateSwapAsync(paths.SwapDisk(uuid), size.SwapMiB, cancellationToken).ConfigureAwait(false);
            // Swap goes after the boot disk and ephemeral, before other volumes, as at spawn.
            var ephemeral = disks.FindIndex(d => d.Path == paths.EphemeralDisk(uuid));
            disks.Insert(ephemeral >= 0 ? ephemeral + 1 : Math.Min(1, disks.Count), new GuestSpecDisk(paths.SwapDisk(uuid), "raw"));
        }

        return new GuestSpec
        {
            Uuid = uuid,
            Name = current.Name,
            MemoryMiB = size.MemoryMiB,
            VCpus = size.VCpus,
            Disks = disks,
            ConfigDrivePath = current.Disks.FirstOrDefault(d => d.Device == "cdrom")?.SourceFile,
            KernelPath = current.Os.Kernel,
            RamdiskPath = current.Os.Initrd,
            KernelCmdline = current.Os.Cmdline,
            ConsoleLogPath = current.SerialLogPath ?? paths.ConsoleLog(uuid),
        };
    }

    private static async Task GrowAsync(string path, string format, long sizeBytes, string what, CancellationToken cancellationToken)
    {
        var info = await QemuImg.InfoAsync(path, format, cancellationToken).ConfigureAwait(false);
        if (sizeBytes < info.VirtualSizeBytes)
        {
            throw new InvalidDiskImageException($"a resize never shrinks a disk: the {what} disk is {info.VirtualSizeBytes} bytes, the new flavor gives {sizeBytes}");
        }

        if (sizeBytes > info.VirtualSizeBytes)
        {
            await QemuImg.ResizeAsync(path, format, sizeBytes, cancellationToken).ConfigureAwait(false);
        }
    }
}
