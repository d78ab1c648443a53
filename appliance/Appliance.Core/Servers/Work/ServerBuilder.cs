using System.Text.Json;
using Appliance.Core.Configuration;
using Appliance.Core.Images;
using Appliance.Core.Networks;
using Appliance.Hypervisor.ConfigDrive;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Images;

namespace Appliance.Core.Servers;

/// <summary>Turns a BUILD server into a running guest: volumes, config drive, spawn; ACTIVE, or ERROR with a fault.</summary>
public sealed class ServerBuilder(
    ServerRepository servers,
    ImageRepository images,
    DataPaths paths,
    IComputeDriver driver,
    ServerNetworking networking,
    GuestMetadata metadata,
    ServerOperations operations,
    ServerFaults faults,
    ApplianceOptions options)
{
    public const string Action = "create";
    public const string BuildEvent = "compute__do_build_and_run_instance";

    /// <summary>Queues the build of a server just accepted; it waits for a build slot, then for the server's lane.</summary>
    public void Start(ServerRecord server, long actionId, BuildSecrets secrets) => operations.RunBuild(new ServerOperation(server, actionId, Action, BuildEvent)
    {
        StartsWhen = current => current.VmState == VmStates.Building && current.TaskState != TaskStates.Deleting,
        Work = run => BuildAsync(run, secrets),
        OnFailure = (run, e) => OperationEnd.Faulted(faults.From(e, run.Uuid)),
    });

    private async Task<OperationEnd> BuildAsync(OperationRun run, BuildSecrets secrets)
    {
        if (AdminPasswords.Problem(secrets.AdminPass, options.Servers.AdminPassword) is { } problem)
        {
            throw new BuildRefusedException(problem);
        }

        if (await servers.HasVolumeMappingsAsync(run.Uuid, run.Token))
        {
            await run.SetTaskAsync(TaskStates.BlockDeviceMapping);
        }

        var volumes = await CreateVolumesAsync(run.Server, run.Token);
        await run.SetTaskAsync(TaskStates.Spawning);
        var request = await SpawnRequestAsync(run.Server, volumes, secrets, run.Token);
        var report = await driver.SpawnAsync(request, run.Token);
        return OperationEnd.Succeeded(new Dictionary<string, object?>
        {
            ["vm_state"] = VmStates.Active,
            ["power_state"] = (int)Appliance.Hypervisor.PowerState.Running,
            ["progress"] = 0,
            ["launched_at"] = Timestamps.Now(),
        }) with
        { Phases = report.Phases };
    }

    /// <summary>The volumes the block device mappings ask for (from an image or blank), boot volume first.</summary>
    private async Task<List<VolumeFile>> CreateVolumesAsync(ServerRecord server, CancellationToken cancellationToken)
    {
        var files = new List<VolumeFile>();
        var mappings = (await servers.BlockDevicesAsync(server.Uuid, cancellationToken))
            .Where(m => m.DestinationType == "volume")
            .OrderBy(m => m.BootIndex is null or < 0 ? int.MaxValue : m.BootIndex.Value);
        foreach (var mapping in mappings)
        {
            var volumeId = mapping.VolumeId ?? Guid.NewGuid().ToString();
            await servers.SetVolumeIdAsync(mapping.Id, volumeId, cancellationToken);
            var source = mapping.SourceType == "image" ? await ImageFileAsync(mapping.ImageId!, cancellationToken) : null;
            files.Add(await driver.CreateVolumeAsync(volumeId, source, (long)(mapping.VolumeSize ?? 1) << 30, cancellationToken));
        }

        return files;
    }

    /// <summary>What the driver needs to make the server's guest, from its row: a build's, or a rebuild's with the new image.</summary>
    internal async Task<SpawnRequest> SpawnRequestAsync(ServerRecord server, IReadOnlyList<VolumeFile> volumes, BuildSecrets secrets, CancellationToken cancellationToken)
    {
        var image = server.ImageRef.Length == 0 ? null : await ImageFileAsync(server.ImageRef, cancellationToken);
        var kernel = server.KernelId.Length == 0 ? null : await ImageFileAsync(server.KernelId, cancellationToken);
        var ramdisk = server.RamdiskId.Length == 0 ? null : await ImageFileAsync(server.RamdiskId, cancellationToken);
        var networks = await networking.PlugAsync(server, cancellationToken);
        return new SpawnRequest
        {
            Uuid = server.Id,
            Name = server.DomainName,
            MemoryMiB = server.MemoryMb,
            VCpus = server.Vcpus,
            RootGiB = server.RootGb,
            SwapMiB = server.SwapMb,
            EphemeralGiB = server.EphemeralGb,
            Image = image,
            Kernel = kernel,
            Ramdisk = ramdisk,
            // console=ttyS0: the serial log is how users (os-getConsoleOutput) see a direct-boot guest.
            KernelCmdline = kernel is null ? null : "console=ttyS0",
            Volumes = volumes,
            ConfigDrive = server.ConfigDrive ? await metadata.ForAsync(server, networks, secrets, cancellationToken) : null,
            Nics = networks.Nics,
        };
    }

    private async Task<ImageFile> ImageFileAsync(string imageId, CancellationToken cancellationToken)
    {
        var image = await images.FindAsync(imageId, cancellationToken);
        if (image is null || image.Status != ImageStatus.Active)
        {
            throw new BuildRefusedException($"Image {imageId} is no longer available.");
        }

        if (!File.Exists(paths.ImageFile(image.Id)))
        {
            throw new BuildRefusedException($"Image {imageId} has no data in the image store.");
        }

        // Glance's names to qemu-img's, by the list uploads are checked with: a format qemu can't open never boots as raw.
        var format = image.DiskFormat is { } diskFormat ? DiskFormat.QemuName(diskFormat) : null;
        return format is null
            ? throw new BuildRefusedException($"Image {imageId} has disk format {image.DiskFormat}, which this host can't boot.")
            : new ImageFile(image.Id, paths.ImageFile(image.Id), format);
    }
}

/// <summary>A build refused for a reason the user can act on; its message becomes the fault message as is.</summary>
public sealed class BuildRefusedException(string message) : Exception(message);
