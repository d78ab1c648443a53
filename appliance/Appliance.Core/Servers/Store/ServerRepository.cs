using System.Data;
using System.Text;
using Appliance.Core.Networks;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Servers;

/// <summary>Server rows, their metadata, tags and block devices in SQLite: the one place their SQL is written.</summary>
/// <remarks>Its members are internal to the core: the type is public only for the public services' constructors (see <see cref="Database"/>).</remarks>
public sealed class ServerRepository(Database database, ServerChanges changes)
{
    /// <summary>Tells live views a server changed; for writes made with the static, in-transaction methods, once committed.</summary>
    internal void Announce(string uuid) => changes.Publish(uuid);

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        ServerRegex.Register(connection);
        return connection;
    }

    /// <summary>The server, or null; deleted servers only when asked for.</summary>
    internal async Task<ServerRecord?> FindAsync(string uuid, bool includeDeleted = false, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindAsync(connection, null, uuid, includeDeleted, cancellationToken);
    }

    internal static Task<ServerRecord?> FindAsync(SqliteConnection connection, IDbTransaction? transaction, string uuid, bool includeDeleted, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<ServerRecord>(
            $"SELECT * FROM servers WHERE uuid = @uuid{(includeDeleted ? "" : " AND deleted = 0")}", new { uuid }, transaction);

    internal static async Task InsertAsync(SqliteConnection connection, IDbTransaction transaction, ServerRecord server,
        IReadOnlyDictionary<string, string> metadata, IReadOnlyList<BlockDeviceMapping> blockDevices, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("""
            INSERT INTO servers (uuid, project_id, user_id, name, hostname, description, domain_name, image_ref, flavor_id, flavor_json,
                vcpus, memory_mb, root_gb, ephemeral_gb, swap_mb, key_name, key_data, user_data, availability_zone, config_drive,
                access_ip_v4, access_ip_v6, disk_config, security_groups, networks, reservation_id, launch_index, kernel_id, ramdisk_id,
                root_device_name, vm_state, task_state, power_state, progress, created_at, updated_at)
            VALUES (@Uuid, @ProjectId, @UserId, @Name, @Hostname, @Description, @DomainName, @ImageRef, @FlavorId, @FlavorJson,
                @Vcpus, @MemoryMb, @RootGb, @EphemeralGb, @SwapMb, @KeyName, @KeyData, @UserData, @AvailabilityZone, @ConfigDrive,
                @AccessIpV4, @AccessIpV6, @DiskConfig, @SecurityGroups, @Networks, @ReservationId, @LaunchIndex, @KernelId, @RamdiskId,
                @RootDeviceName, @VmState, @TaskState, @PowerState, @Progress, @CreatedAt, @UpdatedAt)
            """, server, transaction);
        foreach (var (key, value) in metadata)
        {
            await connection.ExecuteAsync(
                "INSERT INTO server_metadata (server_uuid, key, value) VALUES (@uuid, @key, @value)",
                new { uuid = server.Uuid, key, value }, transaction);
        }

        foreach (var device in blockDevices)
        {
            await connection.ExecuteAsync("""
                INSERT INTO block_device_mappings (server_uuid, boot_index, source_type, destination_type, image_id, volume_id,
                    volume_size, device_name, tag, delete_on_termination)
                VALUES (@uuid, @BootIndex, @SourceType, @DestinationType, @ImageId, @VolumeId, @VolumeSize, @DeviceName, @Tag, @DeleteOnTermination)
                """, new
            {
                uuid = server.Uuid,
                device.BootIndex,
                device.SourceType,
                device.DestinationType,
                device.ImageId,
                device.VolumeId,
                device.VolumeSize,
                device.DeviceName,
                device.Tag,
                device.DeleteOnTermination,
            }, transaction);
        }
    }

    /// <summary>Sets columns of a live server (never a name taken from a request) and its updated_at; false when it is gone.</summary>
    internal async Task<bool> UpdateAsync(string uuid, IReadOnlyDictionary<string, object?> columns, CancellationToken cancellationToken = default) =>
        AnnouncedIf(uuid, await database.WriteAsync(async (connection, transaction) =>
            await UpdateAsync(connection, transaction, uuid, columns, cancellationToken), cancellationToken));

    private bool AnnouncedIf(string uuid, bool changed)
    {
        if (changed)
        {
            Announce(uuid);
        }

        return changed;
    }

    internal static Task<bool> UpdateAsync(SqliteConnection connection, IDbTransaction transaction, string uuid,
        IReadOnlyDictionary<string, object?> columns, CancellationToken cancellationToken) =>
        UpdateAsync(connection, transaction, uuid, "updated_at = @updatedAt", columns, cancellationToken);

    /// <summary>FinishTaskAsync in a transaction of its own, announced.</summary>
    internal async Task<bool> FinishTaskAsync(string uuid, IReadOnlyDictionary<string, object?> columns, CancellationToken cancellationToken = default) =>
        AnnouncedIf(uuid, await database.WriteAsync(async (connection, transaction) =>
            await FinishTaskAsync(connection, transaction, uuid, columns, cancellationToken), cancellationToken));

    /// <summary>An operation's end: sets the columns and clears its task_state, unless a delete has claimed the server meanwhile.</summary>
    internal static Task<bool> FinishTaskAsync(SqliteConnection connection, IDbTransaction transaction, string uuid,
        IReadOnlyDictionary<string, object?> columns, CancellationToken cancellationToken) =>
        UpdateAsync(connection, transaction, uuid, "updated_at = @updatedAt, task_state = CASE WHEN task_state = 'deleting' THEN task_state END",
            columns, cancellationToken);

    private static async Task<bool> UpdateAsync(SqliteConnection connection, IDbTransaction transaction, string uuid, string fixedAssignments,
        IReadOnlyDictionary<string, object?> columns, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters().Add("uuid", uuid).Add("updatedAt", Timestamps.Now());
        var assignments = new StringBuilder(fixedAssignments);
        var index = 0;
        foreach (var (column, value) in columns)
        {
            assignments.Append($", {column} = @p{index}");
            parameters.Add($"p{index++}", value);
        }

        await using var command = parameters.CommandFor(connection, $"UPDATE servers SET {assignments} WHERE uuid = @uuid AND deleted = 0", transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Like UpdateAsync, but only while no operation runs on the server and the row is as it was read (its row_version).</summary>
    internal async Task<bool> UpdateIfUnchangedAsync(string uuid, long rowVersion, IReadOnlyDictionary<string, object?> columns, CancellationToken cancellationToken = default) =>
        AnnouncedIf(uuid, await database.WriteAsync(async (connection, transaction) =>
        {
            // Unchanged since it was read: an operation that started and ended meanwhile left a newer row, and wins.
            var unchanged = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM servers WHERE uuid = @uuid AND task_state IS NULL AND row_version = @rowVersion", new { uuid, rowVersion }, transaction);
            return unchanged == 1 && await UpdateAsync(connection, transaction, uuid, columns, cancellationToken);
        }, cancellationToken));

    internal async Task<bool> HasVolumeMappingsAsync(string uuid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM block_device_mappings WHERE server_uuid = @uuid AND destination_type = 'volume'", new { uuid }) > 0;
    }

    /// <summary>Marks the server deleted (the row stays for changes-since) and drops its metadata.</summary>
    internal async Task MarkDeletedAsync(string uuid, CancellationToken cancellationToken = default) =>
        _ = AnnouncedIf(uuid, await database.WriteAsync(async (connection, transaction) =>
        {
            var now = Timestamps.Now();
            return await connection.ExecuteAsync("""
                UPDATE servers SET deleted = 1, vm_state = 'deleted', task_state = NULL, power_state = 0,
                    deleted_at = @now, terminated_at = @now, updated_at = @now
                WHERE uuid = @uuid AND deleted = 0
                """, new { uuid, now }, transaction) > 0;
        }, cancellationToken));

    /// <summary>The server's metadata becomes exactly these items (a rebuild's metadata), inside the caller's transaction.</summary>
    internal static async Task ReplaceMetadataAsync(SqliteConnection connection, IDbTransaction transaction, string uuid,
        IReadOnlyDictionary<string, string> items, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("DELETE FROM server_metadata WHERE server_uuid = @uuid", new { uuid }, transaction);
        foreach (var (key, value) in items)
        {
            await connection.ExecuteAsync("INSERT INTO server_metadata (server_uuid, key, value) VALUES (@uuid, @key, @value)",
                new { uuid, key, value }, transaction);
        }
    }

    /// <summary>The columns that say which flavor a server has, set from one stored flavor (a resize's finish or revert).</summary>
    internal static Dictionary<string, object?> FlavorColumns(StoredFlavor flavor) => new()
    {
        ["flavor_id"] = flavor.Id,
        ["flavor_json"] = flavor.ToJson(),
        ["vcpus"] = flavor.Vcpus,
        ["memory_mb"] = flavor.Ram,
        ["root_gb"] = flavor.Disk,
        ["ephemeral_gb"] = flavor.Ephemeral,
        ["swap_mb"] = flavor.Swap,
    };

    internal async Task<IReadOnlyDictionary<string, string>> MetadataAsync(string uuid, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await MetadataAsync(connection, null, [uuid], cancellationToken)).GetValueOrDefault(uuid) ?? new Dictionary<string, string>();
    }

    internal static async Task<Dictionary<string, Dictionary<string, string>>> MetadataAsync(SqliteConnection connection, IDbTransaction? transaction,
        IReadOnlyCollection<string> uuids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        if (uuids.Count == 0)
        {
            return result;
        }

        var rows = await connection.QueryAsync<MetadataRow>(
            "SELECT server_uuid, key, value FROM server_metadata WHERE server_uuid IN (SELECT value FROM json_each(@uuids)) ORDER BY server_uuid, key",
            new { uuids = SqlParameters.JsonList(uuids) }, transaction);
        foreach (var (server, key, value) in rows)
        {
            if (!result.TryGetValue(server, out var items))
            {
                result[server] = items = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            items[key] = value;
        }

        return result;
    }

    internal static async Task<Dictionary<string, List<string>>> TagsAsync(SqliteConnection connection, IReadOnlyCollection<string> uuids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (uuids.Count == 0)
        {
            return result;
        }

        var rows = await connection.QueryAsync<TagRow>(
            "SELECT server_uuid, tag FROM server_tags WHERE server_uuid IN (SELECT value FROM json_each(@uuids)) ORDER BY server_uuid, tag",
            new { uuids = SqlParameters.JsonList(uuids) });
        foreach (var (server, tag) in rows)
        {
            if (!result.TryGetValue(server, out var tags))
            {
                result[server] = tags = [];
            }

            tags.Add(tag);
        }

        return result;
    }

    internal async Task<IReadOnlyList<BlockDeviceMapping>> BlockDevicesAsync(string uuid, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await BlockDevicesAsync(connection, uuid);
    }

    private static async Task<IReadOnlyList<BlockDeviceMapping>> BlockDevicesAsync(SqliteConnection connection, string uuid) =>
        (await connection.QueryAsync<BlockDeviceMapping>(
            "SELECT * FROM block_device_mappings WHERE server_uuid = @uuid ORDER BY id", new { uuid })).ToList();

    /// <summary>The server with its metadata, tags, block devices and addresses, read on one connection.</summary>
    internal async Task<ServerDetail> DetailAsync(ServerRecord server, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var metadata = await MetadataAsync(connection, null, [server.Uuid], cancellationToken);
        var tags = await TagsAsync(connection, [server.Uuid], cancellationToken);
        var addresses = await NetworkRepository.AddressesAsync(connection, [server.Uuid]);
        return new ServerDetail(server, metadata.GetValueOrDefault(server.Uuid) ?? new Dictionary<string, string>(),
            tags.GetValueOrDefault(server.Uuid) ?? [], await BlockDevicesAsync(connection, server.Uuid), addresses.GetValueOrDefault(server.Uuid) ?? []);
    }

    internal Task SetVolumeIdAsync(long mappingId, string volumeId, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "UPDATE block_device_mappings SET volume_id = @volumeId WHERE id = @mappingId", new { mappingId, volumeId }, transaction), cancellationToken);

    /// <summary>Every server not yet deleted, or with a task in flight: what the reconciler and the power sync look at.</summary>
    internal async Task<IReadOnlyList<ServerRecord>> LiveAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ServerRecord>(
            "SELECT * FROM servers WHERE deleted = 0")).ToList();
    }

    /// <summary>Servers resting in VERIFY_RESIZE since before the cutoff (a stored time): what the automatic confirm picks up.</summary>
    internal async Task<IReadOnlyList<string>> UnconfirmedResizesAsync(string resizedBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<string>("""
            SELECT uuid FROM servers
            WHERE deleted = 0 AND vm_state = 'resized' AND task_state IS NULL AND resized_at IS NOT NULL AND resized_at <= @resizedBefore
            ORDER BY resized_at
            """, new { resizedBefore })).ToList();
    }

    /// <summary>Whether any row (deleted ones too) has this uuid: tells our instance dirs from strangers'.</summary>
    internal async Task<HashSet<string>> AllUuidsAsync(bool deleted, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<string>(
            "SELECT uuid FROM servers WHERE deleted = @deleted", new { deleted })).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    internal sealed record MetadataRow(string ServerUuid, string Key, string Value);

    internal sealed record TagRow(string ServerUuid, string Tag);
}
