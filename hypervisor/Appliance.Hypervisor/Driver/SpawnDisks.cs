using System.Diagnostics;
using Appliance.Hypervisor.ConfigDrive;
using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Disks;

namespace Appliance.Hypervisor.Driver;

/// <summary>Creates the files of a new instance in its dir and says, as a GuestSpec, what was made.</summary>
internal sealed class SpawnDisks(HypervisorPaths paths, BaseImageCache cache, RootOverlays overlays)
{
    /// <param name="keepEphemeral">A rebuild's preserve_ephemeral: the ephemeral disk already in the instance dir is used as it is.</param>
    public async Task<(GuestSpec Spec, bool BaseWasCached)> CreateAsync(SpawnRequest request, List<SpawnPhase> phases, bool keepEphemeral,
        CancellationToken cancellationToken)
    {
        var uuid = request.Uuid;
        if (request.Image is null && request.Volumes.Count == 0)
        {
            throw new ArgumentException("a guest needs an image or a boot volume", nameof(request));
        }

        HypervisorPaths.EnsureDirectory(paths.Instances);
        HypervisorPaths.EnsureDirectory(paths.InstanceDir(uuid));

        CachedImage? baseImage = null;
        if (request.Image is { } image)
        {
            var watch = Stopwatch.StartNew();
            baseImage = await cache.EnsureAsync(image.ImageId, image.Path, image.Format, cancellationToken).ConfigureAwait(false);
            phases.Add(new SpawnPhase(SpawnPhases.BaseImage, watch.Elapsed));
        }

        var root = baseImage is null ? null : paths.RootDisk(uuid);
        var kernel = request is { Kernel: not null, Ramdisk: not null } ? paths.Kernel(uuid) : null;
        var ramdisk = kernel is null ? null : paths.Ramdisk(uuid);
        var ephemeral = request.EphemeralGiB > 0 ? paths.EphemeralDisk(uuid) : null;
        var swap = request.SwapMiB > 0 ? paths.SwapDisk(uuid) : null;
        var configDrive = request.ConfigDrive is null ? null : paths.ConfigDrive(uuid);

        // These files depend only on the cached images, so they are made at once; each phase keeps its own time.
        Task<SpawnPhase?>[] work =
        [
            Timed(SpawnPhases.RootDisk, root is null ? null : () => overlays.CreateAsync(root, baseImage!, request.RootGiB << 30, cancellationToken)),
            Timed(SpawnPhases.BootFiles, kernel is null ? null : async () =>
            {
                await CopyBootFileAsync(request.Kernel!, kernel, cancellationToken).ConfigureAwait(false);
                await CopyBootFileAsync(request.Ramdisk!, ramdisk!, cancellationToken).ConfigureAwait(false);
            }),
            Timed(SpawnPhases.Ephemeral, ephemeral is null || keepEphemeral ? null : () => LocalDisks.CreateEphemeralAsync(ephemeral, request.EphemeralGiB, cancellationToken)),
            Timed(SpawnPhases.Swap, swap is null ? null : () => LocalDisks.CreateSwapAsync(swap, request.SwapMiB, cancellationToken)),
            Timed(SpawnPhases.ConfigDrive, configDrive is null ? null : () => ConfigDriveBuilder.BuildAsync(request.ConfigDrive!, configDrive, cancellationToken)),
        ];
        await Task.WhenAll(work).ConfigureAwait(false);
        phases.AddRange(work.Select(t => t.Result).OfType<SpawnPhase>());

        var disks = new List<GuestSpecDisk>();
        if (root is not null)
        {
            disks.Add(new GuestSpecDisk(root, "qcow2") { BackingChain = [(baseImage!.Path, baseImage.Format)] });
        }

        var volumes = request.Volumes.Select(v => new GuestSpecDisk(v.Path, v.Format) { Serial = v.VolumeId }).ToList();
        if (root is null)
        {
            // Booting from a volume: it comes first, where the guest looks for its root.
            disks.Add(volumes[0]);
            volumes.RemoveAt(0);
        }

        if (ephemeral is not null)
        {
            disks.Add(new GuestSpecDisk(ephemeral, "raw"));
        }

        if (swap is not null)
        {
            disks.Add(new GuestSpecDisk(swap, "raw"));
        }

        disks.AddRange(volumes);
        var spec = new GuestSpec
        {
            Uuid = uuid,
            Name = request.Name,
            MemoryMiB = request.MemoryMiB,
            VCpus = request.VCpus,
            Disks = disks,
            ConfigDrivePath = configDrive,
            KernelPath = kernel,
            RamdiskPath = ramdisk,
            KernelCmdline = request.KernelCmdline,
            ConsoleLogPath = paths.ConsoleLog(uuid),
            Nics = request.Nics,
        };
        return (spec, baseImage?.WasCached ?? false);
    }

    /// <summary>Runs one phase and times it; a phase with nothing to do yields no entry.</summary>
    private static async Task<SpawnPhase?> Timed(string name, Func<Task>? work)
    {
        if (work is null)
        {
            return null;
        }

        var watch = Stopwatch.StartNew();
        await work().ConfigureAwait(false);
        return new SpawnPhase(name, watch.Elapsed);
    }

    /// <summary>Caches the kernel or ramdisk image once, then gives the instance its own copy.</summary>
    private async Task CopyBootFileAsync(ImageFile image, string path, CancellationToken cancellationToken)
    {
        var cached = await cache.EnsureAsync(image.ImageId, image.Path, "raw", cancellationToken).ConfigureAwait(false);
        LocalDisks.CopyBootFile(cached.Path, path);
    }
}
