using System.Diagnostics;
using Appliance.Hypervisor.ConfigDrive;
using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Disks;

namespace Appliance.Hypervisor.Driver;

/// <summary>Creates the files of a new instance in its dir and says, as a GuestSpec, what was made.</summary>
internal sealed class SpawnDisks(HypervisorPaths paths, BaseImageCache cache)
{
    public async Task<(GuestSpec Spec, bool BaseWasCached)> CreateAsync(SpawnRequest request, List<SpawnPhase> phases, CancellationToken cancellationToken)
    {
        var uuid = request.Uuid;
        HypervisorPaths.EnsureDirectory(paths.Instances);
        HypervisorPaths.EnsureDirectory(paths.InstanceDir(uuid));
        var disks = new List<GuestSpecDisk>();
        var baseWasCached = false;

        if (request.Image is { } image)
        {
            var watch = Stopwatch.StartNew();
            var cached = await cache.EnsureAsync(image.ImageId, image.Path, image.Format, cancellationToken).ConfigureAwait(false);
            baseWasCached = cached.WasCached;
            phases.Add(new SpawnPhase(SpawnPhases.BaseImage, watch.Elapsed));

            watch.Restart();
            await LocalDisks.CreateRootAsync(paths.RootDisk(uuid), cached, request.RootGiB << 30, cancellationToken).ConfigureAwait(false);
            disks.Add(new GuestSpecDisk(paths.RootDisk(uuid), "qcow2") { BackingChain = [(cached.Path, cached.Format)] });
            phases.Add(new SpawnPhase(SpawnPhases.RootDisk, watch.Elapsed));
        }
        else if (request.Volumes.Count == 0)
        {
            throw new ArgumentException("a guest needs an image or a boot volume", nameof(request));
        }

        string? kernel = null, ramdisk = null;
        if (request is { Kernel: { } kernelImage, Ramdisk: { } ramdiskImage })
        {
            var watch = Stopwatch.StartNew();
            kernel = await CopyBootFileAsync(kernelImage, paths.Kernel(uuid), cancellationToken).ConfigureAwait(false);
            ramdisk = await CopyBootFileAsync(ramdiskImage, paths.Ramdisk(uuid), cancellationToken).ConfigureAwait(false);
            phases.Add(new SpawnPhase(SpawnPhases.BootFiles, watch.Elapsed));
        }

        if (request.EphemeralGiB > 0)
        {
            var watch = Stopwatch.StartNew();
            await LocalDisks.CreateEphemeralAsync(paths.EphemeralDisk(uuid), request.EphemeralGiB, cancellationToken).ConfigureAwait(false);
            disks.Add(new GuestSpecDisk(paths.EphemeralDisk(uuid), "raw"));
            phases.Add(new SpawnPhase(SpawnPhases.Ephemeral, watch.Elapsed));
        }

        if (request.SwapMiB > 0)
        {
            var watch = Stopwatch.StartNew();
            await LocalDisks.CreateSwapAsync(paths.SwapDisk(uuid), request.SwapMiB, cancellationToken).ConfigureAwait(false);
            disks.Add(new GuestSpecDisk(paths.SwapDisk(uuid), "raw"));
            phases.Add(new SpawnPhase(SpawnPhases.Swap, watch.Elapsed));
        }

        // Booting from a volume puts it first, where the guest looks for its root.
        disks.InsertRange(request.Image is null ? 0 : disks.Count, request.Volumes.Select(v => new GuestSpecDisk(v.Path, v.Format) { Serial = v.VolumeId }));

        string? configDrive = null;
        if (request.ConfigDrive is { } metadata)
        {
            var watch = Stopwatch.StartNew();
            configDrive = paths.ConfigDrive(uuid);
            await ConfigDriveBuilder.BuildAsync(metadata, configDrive, cancellationToken).ConfigureAwait(false);
            phases.Add(new SpawnPhase(SpawnPhases.ConfigDrive, watch.Elapsed));
        }

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
        };
        return (spec, baseWasCached);
    }

    /// <summary>Caches the kernel or ramdisk image once, then gives the instance its own copy.</summary>
    private async Task<string> CopyBootFileAsync(ImageFile image, string path, CancellationToken cancellationToken)
    {
        var cached = await cache.EnsureAsync(image.ImageId, image.Path, "raw", cancellationToken).ConfigureAwait(false);
        LocalDisks.CopyBootFile(cached.Path, path);
        return path;
    }
}
