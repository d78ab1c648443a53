using Appliance.Core.Configuration;
using Appliance.Core.Images;
using Appliance.Core.Store;
using Appliance.Hypervisor;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;

namespace Appliance.Core.Servers;

/// <summary>
/// rebuild: the server gets a new root disk from the given image and a new config drive (new admin password, personality
/// files, metadata), keeping its id, flavor, volumes and (when asked) its ephemeral disk. REBUILD while it runs; it ends
/// ACTIVE, or SHUTOFF when it was stopped, or ERROR with a fault.
/// </summary>
public sealed class ServerRebuildService(
    Database database,
    ServerService servers,
    ServerRepository repository,
    ImageRepository images,
    ServerBuilder builder,
    ServerOperations operations,
    IComputeDriver driver,
    ServerFaults faults,
    HypervisorPaths paths,
    ApplianceOptions options)
{
    public const string Action = "rebuild";
    public const string EventName = "compute_rebuild_instance";

    /// <summary>Nova's check_instance_state for rebuild.</summary>
    public static readonly IReadOnlySet<string> AllowedVmStates = new HashSet<string>(StringComparer.Ordinal)
    {
        VmStates.Active, VmStates.Stopped, VmStates.Error,
    };

    /// <summary>Checks and records the rebuild, starts it, and returns the server as it now reads with the admin password.</summary>
    public async Task<RebuiltServer> RebuildAsync(ServerCaller caller, OperationContext operation, string uuid, RebuildRequest request,
        CancellationToken cancellationToken = default)
    {
        var server = await servers.WritableAsync(caller, uuid, "os_compute_api:servers:rebuild", cancellationToken);
        // As Nova: lock and state are checked before the image is looked at (and again under the write lock).
        ServerStateChecks.RequireUnlocked(server, caller);
        ServerStateChecks.RequireState(server, AllowedVmStates, idle: true, Action, uuid);
        var image = await ImageAsync(caller, request.ImageRef, cancellationToken);
        var volumeBacked = server.ImageRef.Length == 0;
        if (volumeBacked)
        {
            var root = (await repository.BlockDevicesAsync(server.Uuid, cancellationToken)).FirstOrDefault(m => m.BootIndex == 0);
            if (root?.ImageId != image.Id)
            {
                throw new InvalidRequestException($"Image {image.Id} is unacceptable: Unable to rebuild with a different image for a volume-backed server.");
            }
        }

        FlavorImageFit.Check(StoredFlavor.FromJson(server.FlavorJson), image, volumeBacked);
        var adminPass = request.AdminPass ?? AdminPasswords.Generate(options.Servers.AdminPassword);
        var wasStopped = false;
        var actionId = await database.WriteAsync(async (connection, transaction) =>
        {
            var current = await ServerRepository.FindAsync(connection, transaction, server.Uuid, false, cancellationToken) ?? throw new ServerNotFoundException(uuid);
            ServerStateChecks.RequireUnlocked(current, caller);
            ServerStateChecks.RequireState(current, AllowedVmStates, idle: true, Action, uuid);
            wasStopped = current.VmState == VmStates.Stopped;
            await ServerRepository.UpdateAsync(connection, transaction, current.Uuid, Changes(request, image, volumeBacked), cancellationToken);
            if (request.Metadata is { } metadata)
            {
                await ServerRepository.ReplaceMetadataAsync(connection, transaction, current.Uuid, metadata, cancellationToken);
            }

            return await InstanceActions.StartAsync(connection, transaction, current.Uuid, Action, operation, cancellationToken);
        }, cancellationToken);
        repository.Announce(server.Uuid);

        var rebuilt = await repository.FindAsync(server.Uuid, cancellationToken: CancellationToken.None) ?? throw new ServerNotFoundException(uuid);
        var secrets = new BuildSecrets(adminPass, request.Personality);
        var preserveEphemeral = request.PreserveEphemeral;
        operations.Run(new ServerOperation(server, actionId, Action, EventName)
        {
            StartsWhen = current => current.TaskState == TaskStates.Rebuilding,
            Work = run => RebuildGuestAsync(run, secrets, wasStopped, preserveEphemeral),
            OnFailure = (run, e) => OperationEnd.Faulted(e is BuildRefusedException
                ? faults.From(e, run.Uuid)
                : faults.From(e, run.Uuid) with { Message = $"Rebuild of instance {run.Uuid} aborted: the hypervisor could not make the new guest." }),
        });
        return new RebuiltServer(rebuilt, adminPass);
    }

    private async Task<ImageRecord> ImageAsync(ServerCaller caller, string imageId, CancellationToken cancellationToken)
    {
        var image = await images.FindAsync(imageId, cancellationToken);
        if (image is null || image.Status == ImageStatus.Deleted || !new ImageCaller(caller.ProjectId, caller.IsAdmin).CanSee(image))
        {
            throw new InvalidRequestException("Cannot find image for rebuild");
        }

        return image.Status == ImageStatus.Active ? image : throw new InvalidRequestException($"Image {image.Id} is not active.");
    }

    /// <summary>The columns the request changes, with Nova's rebuild resets: the task, progress, image and its kernel and ramdisk.</summary>
    private static Dictionary<string, object?> Changes(RebuildRequest request, ImageRecord image, bool volumeBacked)
    {
        var columns = new Dictionary<string, object?> { ["task_state"] = TaskStates.Rebuilding, ["progress"] = 0 };
        if (!volumeBacked)
        {
            // A volume-backed server keeps its empty image_ref, which is how it is known to boot from a volume.
            columns["image_ref"] = image.Id;
            columns["kernel_id"] = image.Properties.GetValueOrDefault("kernel_id") ?? "";
            columns["ramdisk_id"] = image.Properties.GetValueOrDefault("ramdisk_id") ?? "";
        }

        if (request.Name is { } name)
        {
            columns["name"] = name; // the hostname stays: only 2.90's hostname field changes it
        }

        if (request.AccessIpV4 is { } v4)
        {
            columns["access_ip_v4"] = v4;
        }

        if (request.AccessIpV6 is { } v6)
        {
            columns["access_ip_v6"] = v6;
        }

        if (request.DiskConfig is { } diskConfig)
        {
            columns["disk_config"] = diskConfig;
        }

        if (request.SetsDescription)
        {
            columns["description"] = request.Description;
        }

        return columns;
    }

    private async Task<OperationEnd> RebuildGuestAsync(OperationRun run, BuildSecrets secrets, bool wasStopped, bool preserveEphemeral)
    {
        // As at create, a given password that fails the policy fails the operation with a fault saying why.
        if (AdminPasswords.Problem(secrets.AdminPass, options.Servers.AdminPassword) is { } problem)
        {
            throw new BuildRefusedException(problem);
        }

        await run.SetTaskAsync(TaskStates.RebuildSpawning);
        var request = await builder.SpawnRequestAsync(run.Server, Volumes(run.Server, await repository.BlockDevicesAsync(run.Uuid, run.Token)), secrets, run.Token);
        var report = await driver.RebuildAsync(request, preserveEphemeral, run.Token);
        if (wasStopped)
        {
            // As Nova: a server rebuilt while stopped is stopped again.
            await driver.PowerOffAsync(run.Server.Id, run.Token);
        }

        return OperationEnd.Succeeded(new Dictionary<string, object?>
        {
            ["vm_state"] = wasStopped ? VmStates.Stopped : VmStates.Active,
            ["power_state"] = (int)(wasStopped ? PowerState.Shutdown : PowerState.Running),
            ["launched_at"] = Timestamps.Now(),
            ["fault_json"] = null,
        }) with
        { Phases = report.Phases };
    }

    /// <summary>The server's volumes as they are on disk, boot volume first: a rebuild keeps them.</summary>
    private IReadOnlyList<VolumeFile> Volumes(ServerRecord server, IReadOnlyList<BlockDeviceMapping> mappings)
    {
        return mappings
            .Where(m => m is { DestinationType: "volume", VolumeId: not null })
            .OrderBy(m => m.BootIndex is null or < 0 ? int.MaxValue : m.BootIndex.Value)
            .Select(m => new VolumeFile(m.VolumeId!, paths.Volume(m.VolumeId!), Appliance.Hypervisor.Disks.Volumes.Format))
            .ToList();
    }
}

/// <summary>A rebuild whose shape the API has checked; null fields stay as they are.</summary>
public sealed record RebuildRequest
{
    public required string ImageRef { get; init; }

    public string? Name { get; init; }

    /// <summary>Null: one is generated, as at create.</summary>
    public string? AdminPass { get; init; }

    /// <summary>Replaces all of the server's metadata when given.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public IReadOnlyList<(string Path, byte[] Contents)> Personality { get; init; } = [];

    public string? AccessIpV4 { get; init; }

    public string? AccessIpV6 { get; init; }

    public string? DiskConfig { get; init; }

    public bool PreserveEphemeral { get; init; }

    /// <summary>Whether the request set the description (2.19), to a value or to null.</summary>
    public bool SetsDescription { get; init; }

    public string? Description { get; init; }
}

/// <summary>The server as the rebuild left it in the database (REBUILD) and the admin password its guest gets.</summary>
public sealed record RebuiltServer(ServerRecord Server, string AdminPass);
