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
    public static async Task<GuestSpec> ResizeDisksAsync(GuestConfig current, HypervisorPaths paths, FlavorSize size, CancellationToken cancellationToken)
    {
        var uuid = current.Uuid;
        var disks = new List<GuestSpecDisk>();
        foreach (var disk in current.Disks.Where(d => d.Device == "disk"))
        {
            if (disk.SourceFile == paths.RootDisk(uuid))
            {
                await GrowAsync(disk.SourceFile, disk.Format, size.RootGiB << 30, "root", cancellationToken).ConfigureAwait(false);
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
