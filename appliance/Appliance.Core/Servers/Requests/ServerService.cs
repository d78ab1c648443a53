using System.Text.Json;
using Appliance.Core.Configuration;
using Appliance.Core.Flavors;
using Appliance.Core.Images;
using Appliance.Core.Keypairs;
using Appliance.Core.Networks;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>Server create, update and delete: checks what a request refers to, writes it, and hands the work to the task runner.</summary>
public sealed class ServerService(
    Database database,
    ServerRepository servers,
    FlavorRepository flavors,
    ImageRepository images,
    KeyPairService keypairs,
    ServerQuotas quotas,
    ServerTaskRunner runner,
    ServerBuilder builder,
    ServerDeleter deleter,
    ServerNetworking networking,
    ApplianceOptions options,
    ILogger<ServerService> logger)
{
    public async Task<CreatedServers> CreateAsync(ServerCaller caller, OperationContext operation, NewServer request, CancellationToken cancellationToken = default)
    {
        caller.RequireCreate();
        var flavor = await UsableFlavorAsync(caller, request.FlavorRef, cancellationToken);
        var extraSpecs = await flavors.ExtraSpecsAsync(flavor.FlavorId, cancellationToken);
        var bootImage = request.ImageRef ?? request.BlockDevices.FirstOrDefault(d => d.BootIndex == 0 && d.SourceType == "image")?.ImageId;
        var image = bootImage is null ? null : await UsableImageAsync(caller, bootImage, cancellationToken);
        var bootsFromVolume = request.ImageRef is null;
        if (image is not null)
        {
            CheckFlavorFitsImage(flavor, image, bootsFromVolume);
        }

        var keyPair = request.KeyName is null ? null : await KeyPairAsync(caller.UserId, request.KeyName, cancellationToken);
        if (request.AvailabilityZone is { } zone && zone != "nova")
        {
            throw new InvalidRequestException("The requested availability zone is not available");
        }

        var resolved = await networking.ResolveAsync(caller, request.Networks, request.MaxCount, cancellationToken);
        // As Nova: the port quota may lower max_count, and refuses (403) when even min_count would not fit.
        var maxCount = await networking.InstancesWithPortRoomAsync(caller.ProjectId, resolved, request.MinCount, request.MaxCount, cancellationToken);
        var networks = resolved.ToStored();
        await networking.CheckSecurityGroupsAsync(caller, request.SecurityGroups, cancellationToken);
        var adminPass = request.AdminPass ?? AdminPasswords.Generate(options.Servers.AdminPassword);
        var reservationId = "r-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..8];
        var now = Timestamps.Now();
        var actionIds = new Dictionary<string, long>(StringComparer.Ordinal);
        var created = await database.WriteAsync(async (connection, transaction) =>
        {
            // Counting usage and inserting in one IMMEDIATE transaction: parallel creates can never pass the quota together.
            var count = await quotas.CheckInstancesAsync(connection, transaction, caller.ProjectId, flavor, request.MinCount, maxCount, cancellationToken);
            var rows = new List<ServerRecord>();
            for (var index = 0; index < count; index++)
            {
                var uuid = Guid.NewGuid().ToString();
                var name = request.MaxCount > 1 ? $"{request.Name}-{index + 1}" : request.Name;
                var server = new ServerRecord
                {
                    Uuid = uuid,
                    ProjectId = caller.ProjectId,
                    UserId = caller.UserId,
                    Name = name,
                    Hostname = Hostnames.From(name),
                    Description = request.Description,
                    DomainName = $"instance-{uuid}",
                    ImageRef = bootsFromVolume ? "" : image!.Id,
                    FlavorId = flavor.FlavorId,
                    FlavorJson = StoredFlavor.From(flavor, extraSpecs).ToJson(),
                    Vcpus = flavor.Vcpus,
                    MemoryMb = flavor.MemoryMb,
                    RootGb = flavor.RootGb,
                    EphemeralGb = flavor.EphemeralGb,
                    SwapMb = flavor.Swap,
                    KeyName = keyPair?.Name,
                    KeyData = keyPair?.PublicKey,
                    UserData = request.UserData,
                    ConfigDrive = request.ConfigDrive || options.Servers.ForceConfigDrive,
                    AccessIpV4 = request.AccessIpV4,
                    AccessIpV6 = request.AccessIpV6,
                    DiskConfig = request.DiskConfig,
                    SecurityGroups = JsonSerializer.Serialize(request.SecurityGroups),
                    Networks = networks,
                    ReservationId = reservationId,
                    LaunchIndex = index,
                    KernelId = image?.Properties.GetValueOrDefault("kernel_id") ?? "",
                    RamdiskId = image?.Properties.GetValueOrDefault("ramdisk_id") ?? "",
                    RootDeviceName = "/dev/vda",
                    VmState = VmStates.Building,
                    TaskState = TaskStates.Scheduling,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                await ServerRepository.InsertAsync(connection, transaction, server, request.Metadata, request.BlockDevices, cancellationToken);
                foreach (var tag in request.Tags)
                {
                    await connection.ExecuteAsync("INSERT OR IGNORE INTO server_tags (server_uuid, tag) VALUES (@uuid, @tag)",
                        new { uuid, tag }, transaction);
                }

                var actionId = await InstanceActions.StartAsync(connection, transaction, uuid, "create", operation, cancellationToken);
                rows.Add(server);
                actionIds[uuid] = actionId;
            }

            return rows;
        }, cancellationToken);

        var secrets = new BuildSecrets(adminPass, request.Personality);
        foreach (var server in created)
        {
            servers.Announce(server.Uuid);
            var actionId = actionIds[server.Uuid];
            builder.Start(server, actionId, secrets);
        }

        logger.LogInformation("Accepted {Count} server(s) {Uuids} for project {ProjectId}", created.Count, string.Join(", ", created.Select(s => s.Uuid)), caller.ProjectId);
        return new CreatedServers(created, adminPass, reservationId);
    }

    /// <summary>A server the caller may read; another project's is "not found", never "forbidden".</summary>
    public async Task<ServerRecord> GetAsync(ServerCaller caller, string uuid, CancellationToken cancellationToken = default) =>
        await FindAsync(caller, uuid, cancellationToken) ?? throw new ServerNotFoundException(uuid);

    /// <summary>A server the caller may read, or null: none with this id, or another project's.</summary>
    public async Task<ServerRecord?> FindAsync(ServerCaller caller, string uuid, CancellationToken cancellationToken = default)
    {
        var server = Guid.TryParse(uuid, out _) ? await servers.FindAsync(uuid, cancellationToken: cancellationToken) : null;
        return server is not null && caller.CanRead(server) ? server : null;
    }

    /// <summary>A server the caller may read, with its metadata, tags and block devices: what its detail view shows.</summary>
    public async Task<ServerDetail> ShowAsync(ServerCaller caller, string uuid, CancellationToken cancellationToken = default) =>
        await servers.DetailAsync(await GetAsync(caller, uuid, cancellationToken), cancellationToken);

    /// <summary>What <see cref="ShowAsync"/> adds to a server the caller has just had back from an update or a rebuild.</summary>
    public Task<ServerDetail> DetailAsync(ServerRecord server, CancellationToken cancellationToken = default) =>
        servers.DetailAsync(server, cancellationToken);

    /// <summary>
    /// The fixed addresses of servers the caller has already read, by server uuid, in NIC order, read together: what a
    /// list or a re-read row shows without the rest of <see cref="DetailAsync"/>. A server without addresses has no entry.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, List<ServerAddress>>> AddressesAsync(IReadOnlyCollection<ServerRecord> read, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await NetworkRepository.AddressesAsync(connection, read.Select(server => server.Uuid).ToList());
    }

    /// <summary>PUT /servers/{id}: name, description, access IPs and disk config; the rest of a server changes through actions.</summary>
    public async Task<ServerRecord> UpdateAsync(ServerCaller caller, string uuid, IReadOnlyDictionary<string, object?> changes, CancellationToken cancellationToken = default)
    {
        var server = await WritableAsync(caller, uuid, "os_compute_api:servers:update", cancellationToken);
        var columns = new Dictionary<string, object?>(changes);
        if (columns.TryGetValue("name", out var name) && name is string newName)
        {
            columns["hostname"] = Hostnames.From(newName);
        }

        if (columns.Count > 0 && !await servers.UpdateAsync(server.Uuid, columns, cancellationToken))
        {
            throw new ServerNotFoundException(uuid);
        }

        return await GetAsync(caller, uuid, cancellationToken);
    }

    /// <summary>DELETE /servers/{id}: marks the server deleting at once; disks and domain go in the background.</summary>
    public async Task DeleteAsync(ServerCaller caller, OperationContext operation, string uuid, CancellationToken cancellationToken = default)
    {
        var server = await WritableAsync(caller, uuid, "os_compute_api:servers:delete", cancellationToken);
        if (server.Locked && !caller.IsAdmin)
        {
            throw new ConflictException($"Instance {server.Uuid} is locked");
        }

        var actionId = await database.WriteAsync(async (connection, transaction) =>
        {
            if (!await ServerRepository.UpdateAsync(connection, transaction, server.Uuid, new Dictionary<string, object?> { ["task_state"] = TaskStates.Deleting }, cancellationToken))
            {
                throw new ServerNotFoundException(uuid);
            }

            return await InstanceActions.StartAsync(connection, transaction, server.Uuid, "delete", operation, cancellationToken);
        }, cancellationToken);
        servers.Announce(server.Uuid);
        runner.Run(server.Uuid, token => deleter.DeleteAsync(server.Uuid, actionId, token));
    }

    /// <summary>A server the caller may change; a reader is forbidden, naming the policy rule of what was asked.</summary>
    public async Task<ServerRecord> WritableAsync(ServerCaller caller, string uuid, string rule, CancellationToken cancellationToken)
    {
        var server = await GetAsync(caller, uuid, cancellationToken);
        caller.RequireWrite(server, rule);
        return server;
    }

    private async Task<Flavor> UsableFlavorAsync(ServerCaller caller, string flavorRef, CancellationToken cancellationToken)
    {
        var flavor = await flavors.FindAsync(flavorRef, cancellationToken) ?? throw new InvalidRequestException("Invalid flavorRef provided.");
        if (!flavor.IsPublic && !caller.IsAdmin)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var shared = await connection.ExecuteScalarAsync<long>("""
                SELECT COUNT(*) FROM flavor_projects p JOIN flavors f ON f.id = p.flavor_id WHERE f.flavorid = @flavorRef AND p.project_id = @ProjectId
                """, new { flavorRef, caller.ProjectId });
            if (shared == 0)
            {
                throw new InvalidRequestException("Invalid flavorRef provided.");
            }
        }

        return flavor.Disabled ? throw new InvalidRequestException("Flavor is disabled.") : flavor;
    }

    private async Task<ImageRecord> UsableImageAsync(ServerCaller caller, string imageId, CancellationToken cancellationToken)
    {
        var image = await images.FindAsync(imageId, cancellationToken);
        if (image is null || image.Status == ImageStatus.Deleted || !new ImageCaller(caller.ProjectId, caller.IsAdmin).CanSee(image))
        {
            throw new InvalidRequestException("Can not find requested image");
        }

        return image.Status == ImageStatus.Active ? image : throw new InvalidRequestException($"Image {imageId} is not active.");
    }

    private static void CheckFlavorFitsImage(Flavor flavor, ImageRecord image, bool bootsFromVolume)
    {
        if (image.MinRam > flavor.MemoryMb)
        {
            throw new InvalidRequestException("Flavor's memory is too small for requested image.");
        }

        // A root disk of 0 means "the image's size"; a volume-backed server's root is the volume.
        if (bootsFromVolume || flavor.RootGb == 0)
        {
            return;
        }

        var flavorBytes = (long)flavor.RootGb << 30;
        if (image.MinDisk > flavor.RootGb)
        {
            throw new InvalidRequestException("Flavor's disk is too small for requested image.");
        }

        if ((image.VirtualSize ?? image.Size ?? 0) > flavorBytes)
        {
            throw new InvalidRequestException($"Flavor's disk is too small for requested image. Flavor disk is {flavorBytes} bytes, image is {image.VirtualSize ?? image.Size} bytes.");
        }
    }

    private async Task<KeyPair> KeyPairAsync(string userId, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await keypairs.GetAsync(userId, name, cancellationToken);
        }
        catch (NotFoundException)
        {
            throw new InvalidRequestException("Invalid key_name provided.");
        }
    }
}
