using Appliance.Core.Configuration;
using Appliance.Core.Images;
using Appliance.Core.Store;
using Appliance.Hypervisor;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.Logging;

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
    ServerTaskRunner runner,
    IComputeDriver driver,
    InstanceActions actions,
    ServerFaults faults,
    HypervisorPaths paths,
    ApplianceOptions options,
    ILogger<ServerRebuildService> logger)
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
        runner.Run(server.Uuid, token => RebuildGuestAsync(server.Uuid, actionId, secrets, wasStopped, preserveEphemeral, token));
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

    private async Task RebuildGuestAsync(string uuid, long actionId, BuildSecrets secrets, bool wasStopped, bool preserveEphemeral, CancellationToken token)
    {
        var started = DateTimeOffset.UtcNow;
        var server = await repository.FindAsync(uuid, cancellationToken: token);
        if (server is null || server.TaskState != TaskStates.Rebuilding)
        {
            return; // a delete claimed it before its turn came
        }

        try
        {
            // As at create, a given password that fails the policy fails the operation with a fault saying why.
            if (AdminPasswords.Problem(secrets.AdminPass, options.Servers.AdminPassword) is { } problem)
            {
                throw new BuildRefusedException(problem);
            }

            await repository.UpdateAsync(uuid, new Dictionary<string, object?> { ["task_state"] = TaskStates.RebuildSpawning }, token);
            var request = await builder.SpawnRequestAsync(server, Volumes(server, await repository.BlockDevicesAsync(uuid, token)), secrets, token);
            var report = await driver.RebuildAsync(request, preserveEphemeral, token);
            if (wasStopped)
            {
                // As Nova: a server rebuilt while stopped is stopped again.
                await driver.PowerOffAsync(server.Id, token);
            }

            var events = ServerBuilder.Phases(started, report.Phases)
                .Append(new InstanceActionEvent(EventName, started, DateTimeOffset.UtcNow, InstanceActions.Success)).ToList();
            var columns = new Dictionary<string, object?>
            {
                ["vm_state"] = wasStopped ? VmStates.Stopped : VmStates.Active,
                ["power_state"] = (int)(wasStopped ? PowerState.Shutdown : PowerState.Running),
                ["launched_at"] = Timestamps.Now(),
                ["fault_json"] = null,
            };
            await database.WriteAsync(async (connection, transaction) =>
            {
                await ServerRepository.FinishTaskAsync(connection, transaction, uuid, columns, CancellationToken.None);
                await InstanceActions.RecordAndFinishAsync(connection, transaction, actionId, events, null, CancellationToken.None);
                return 0;
            }, CancellationToken.None);
            repository.Announce(uuid);
            logger.LogInformation("Server {Uuid} rebuilt from image {Image} in {Milliseconds} ms", uuid, server.ImageRef,
                (int)(DateTimeOffset.UtcNow - started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw; // shutting down: the reconciler fails this rebuild at the next start
        }
        catch (Exception e)
        {
            var fault = faults.From(e, uuid);
            if (e is not BuildRefusedException)
            {
                fault = fault with { Message = $"Rebuild of instance {uuid} aborted: the hypervisor could not make the new guest." };
            }

            logger.LogWarning("Rebuild of server {Uuid} failed: {Message}", uuid, fault.Details ?? fault.Message);
            await faults.SetErrorAsync(uuid, fault);
            await actions.RecordEventAsync(actionId, EventName, started, DateTimeOffset.UtcNow, InstanceActions.Error, fault.Message, CancellationToken.None);
            await actions.FinishAsync(actionId, InstanceActions.Error, CancellationToken.None);
        }
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
