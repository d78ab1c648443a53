using System.Text.Json;
using Appliance.Core.Configuration;
using Appliance.Core.Images;
using Appliance.Core.Store;
using Appliance.Hypervisor.ConfigDrive;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Images;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>Turns a BUILD server into a running guest: volumes, config drive, spawn; ACTIVE, or ERROR with a fault.</summary>
public sealed class ServerBuilder(
    Database database,
    ServerRepository servers,
    ImageRepository images,
    DataPaths paths,
    IComputeDriver driver,
    InstanceActions actions,
    ServerFaults faults,
    ApplianceOptions options,
    ILogger<ServerBuilder> logger)
{
    public const string BuildEvent = "compute__do_build_and_run_instance";

    public async Task BuildAsync(string uuid, long actionId, BuildSecrets secrets, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var server = await servers.FindAsync(uuid, cancellationToken: cancellationToken);
        if (server is null || server.VmState != VmStates.Building || server.TaskState == TaskStates.Deleting)
        {
            return; // deleted (or being deleted) before its turn came
        }

        try
        {
            if (AdminPasswords.Problem(secrets.AdminPass, options.Servers.AdminPassword) is { } problem)
            {
                throw new BuildRefusedException(problem);
            }

            if (await servers.HasVolumeMappingsAsync(uuid, cancellationToken))
            {
                await SetTaskAsync(uuid, TaskStates.BlockDeviceMapping, cancellationToken);
            }

            var volumes = await CreateVolumesAsync(server, cancellationToken);
            await SetTaskAsync(uuid, TaskStates.Spawning, cancellationToken);
            var request = await SpawnRequestAsync(server, volumes, secrets, cancellationToken);
            var report = await driver.SpawnAsync(request, cancellationToken);

            // The server turns ACTIVE, and the action gets every phase and its close, in one commit.
            var events = Phases(started, report.Phases).Append(new InstanceActionEvent(BuildEvent, started, DateTimeOffset.UtcNow, InstanceActions.Success)).ToList();
            await database.WriteAsync(async (connection, transaction) =>
            {
                await ServerRepository.MarkBuiltAsync(connection, transaction, uuid, (int)Appliance.Hypervisor.PowerState.Running, CancellationToken.None);
                await InstanceActions.RecordAndFinishAsync(connection, transaction, actionId, events, null, CancellationToken.None);
                return 0;
            }, CancellationToken.None);
            servers.Announce(uuid);
            logger.LogInformation("Server {Uuid} is ACTIVE after {Milliseconds} ms", uuid, (int)(DateTimeOffset.UtcNow - started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // shutting down: the reconciler fails this build at the next start
        }
        catch (Exception e)
        {
            var fault = faults.From(e, uuid);
            logger.LogWarning("Build of server {Uuid} failed: {Message}", uuid, fault.Details ?? fault.Message);
            await faults.SetErrorAsync(uuid, fault);
            await actions.RecordEventAsync(actionId, BuildEvent, started, DateTimeOffset.UtcNow, InstanceActions.Error, fault.Message, CancellationToken.None);
            await actions.FinishAsync(actionId, InstanceActions.Error, CancellationToken.None);
        }
    }

    private Task SetTaskAsync(string uuid, string taskState, CancellationToken cancellationToken) =>
        servers.UpdateAsync(uuid, new Dictionary<string, object?> { ["task_state"] = taskState }, cancellationToken);

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
        var flavor = StoredFlavor.FromJson(server.FlavorJson);
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
            ConfigDrive = server.ConfigDrive ? await MetadataAsync(server, flavor, secrets, cancellationToken) : null,
        };
    }

    private async Task<InstanceMetadata> MetadataAsync(ServerRecord server, StoredFlavor flavor, BuildSecrets secrets, CancellationToken cancellationToken) => new()
    {
        Uuid = server.Id,
        Hostname = server.Hostname,
        Name = server.Name,
        LaunchIndex = server.LaunchIndex,
        AvailabilityZone = server.AvailabilityZone,
        ProjectId = server.ProjectId,
        Meta = await servers.MetadataAsync(server.Uuid, cancellationToken),
        KeyPair = server.KeyName is null ? null : new KeyPairMetadata(server.KeyName, "ssh", server.KeyData ?? ""),
        Files = secrets.Personality,
        AdminPass = secrets.AdminPass,
        UserData = server.UserData is null ? null : Convert.FromBase64String(server.UserData),
        Ec2InstanceId = $"i-{server.Uuid[..8]}",
        Ec2ImageId = server.ImageRef.Length == 0 ? "ami-00000000" : $"ami-{server.ImageRef[..8]}",
        ReservationId = server.ReservationId,
        FlavorName = flavor.Name,
        SecurityGroups = JsonSerializer.Deserialize<List<string>>(server.SecurityGroups) ?? [],
    };

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

    /// <summary>The driver reports durations; laid end to end from the start they give each phase a start and finish.</summary>
    internal static IEnumerable<InstanceActionEvent> Phases(DateTimeOffset started, IEnumerable<SpawnPhase> phases, string prefix = "spawn")
    {
        var at = started;
        foreach (var phase in phases)
        {
            yield return new InstanceActionEvent($"{prefix}: {phase.Name}", at, at + phase.Duration, InstanceActions.Success);
            at += phase.Duration;
        }
    }
}

/// <summary>A build refused for a reason the user can act on; its message becomes the fault message as is.</summary>
public sealed class BuildRefusedException(string message) : Exception(message);
