using System.Security.Cryptography;
using Appliance.Core.Configuration;
using Appliance.Core.Images;
using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Images;

namespace Appliance.Core.Servers;

/// <summary>
/// createImage: a private qcow2 image of the server's root disk, owned by the caller's project. The image is saving
/// while the server shows task_state image_snapshot; it becomes active with its checksum and hashes, or is deleted.
/// </summary>
public sealed class ServerSnapshotService(
    Database database,
    ServerService servers,
    ServerRepository repository,
    ImageRepository images,
    ImageInspector inspector,
    DataPaths paths,
    ServerOperations operations,
    IComputeDriver driver)
{
    public const string Action = "createImage";
    public const string EventName = "compute_snapshot_instance";

    internal static readonly IReadOnlySet<string> AllowedVmStates = new HashSet<string>(StringComparer.Ordinal)
    {
        VmStates.Active, VmStates.Stopped, VmStates.Paused, VmStates.Suspended,
    };

    /// <summary>Starts the snapshot and returns the new image's id at once.</summary>
    public async Task<string> CreateImageAsync(ServerCaller caller, OperationContext operation, string uuid, string name,
        IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken = default)
    {
        var server = await servers.WritableAsync(caller, uuid, "os_compute_api:servers:create_image", cancellationToken);
        var actionId = await database.WriteAsync(async (connection, transaction) =>
        {
            var current = await ServerRepository.FindAsync(connection, transaction, server.Uuid, false, cancellationToken) ?? throw new ServerNotFoundException(uuid);
            ServerStateChecks.RequireUnlocked(current, caller);
            ServerStateChecks.RequireState(current, AllowedVmStates, idle: true, Action, uuid);
            await ServerRepository.UpdateAsync(connection, transaction, current.Uuid, new Dictionary<string, object?> { ["task_state"] = TaskStates.ImageSnapshot }, cancellationToken);
            return await InstanceActions.StartAsync(connection, transaction, current.Uuid, Action, operation, cancellationToken);
        }, cancellationToken);
        repository.Announce(server.Uuid); // the task state just written, for the status page

        var imageId = Guid.NewGuid().ToString();
        var now = DateTimeOffset.UtcNow;
        // As Nova's snapshot: where it came from, then the caller's metadata over it.
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["image_type"] = "snapshot",
            ["instance_uuid"] = server.Uuid,
            ["user_id"] = caller.UserId,
            ["base_image_ref"] = server.ImageRef,
        };
        foreach (var (key, value) in metadata)
        {
            properties[key] = value;
        }

        var baseImage = string.IsNullOrEmpty(server.ImageRef) ? null : await images.FindAsync(server.ImageRef, cancellationToken);
        await images.InsertAsync(new ImageRecord
        {
            Id = imageId,
            Name = name,
            Status = ImageStatus.Saving,
            DiskFormat = "qcow2",
            ContainerFormat = "bare",
            MinDisk = server.RootGb,
            MinRam = baseImage?.MinRam ?? 0,
            Visibility = ImageVisibility.Private,
            Owner = caller.ProjectId,
            CreatedAt = now,
            UpdatedAt = now,
            Properties = properties,
        }, CancellationToken.None);

        operations.Run(new ServerOperation(server, actionId, Action, EventName)
        {
            Work = run => SnapshotAsync(run, imageId),
            // As Nova: a failed snapshot only ends the task, the server stays as it was.
            OnFailure = (_, e) => IsSnapshotFailure(e) ? OperationEnd.Failed("The hypervisor could not take the snapshot.", OperationEnd.TaskOnly) : null,
        });
        return imageId;
    }

    private async Task<OperationEnd> SnapshotAsync(OperationRun run, string imageId)
    {
        // The upload prefix: a file left by a crash is removed at the next start, like an interrupted upload.
        var partial = Path.Combine(paths.Images, $"{ImageUploader.PartialPrefix}{imageId}-snapshot");
        try
        {
            Directory.CreateDirectory(paths.Images);
            await driver.SnapshotAsync(run.Server.Id, partial, run.Token);
            var (size, md5, sha512) = await HashAsync(partial, run.Token);
            var facts = await inspector.InspectAsync(partial, "qcow2", run.Token);
            File.Move(partial, paths.ImageFile(imageId), overwrite: true);
            if (!await images.ActivateAsync(imageId, size, facts.VirtualSizeBytes, md5, "sha512", sha512, CancellationToken.None))
            {
                // The image was deleted while it was saving: its bytes have no owner.
                File.Delete(paths.ImageFile(imageId));
                return OperationEnd.Failed("The image was deleted while the snapshot was taken.", OperationEnd.TaskOnly);
            }

            return OperationEnd.Succeeded(OperationEnd.TaskOnly);
        }
        catch (Exception e) when (IsSnapshotFailure(e))
        {
            await images.MarkDeletedAsync(imageId, CancellationToken.None);
            throw;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static bool IsSnapshotFailure(Exception e) => e is HypervisorOperationException or InstanceNotFoundException or IOException;

    private static async Task<(long Size, string Md5, string Sha512)> HashAsync(string path, CancellationToken token)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var buffer = new byte[1 << 20];
        long size = 0;
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        int read;
        while ((read = await file.ReadAsync(buffer, token)) > 0)
        {
            md5.AppendData(buffer, 0, read);
            sha512.AppendData(buffer, 0, read);
            size += read;
        }

        return (size, Convert.ToHexStringLower(md5.GetHashAndReset()), Convert.ToHexStringLower(sha512.GetHashAndReset()));
    }
}
