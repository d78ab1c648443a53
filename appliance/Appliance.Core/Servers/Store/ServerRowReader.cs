using System.Data.Common;

namespace Appliance.Core.Servers;

/// <summary>
/// Reads whole servers rows with typed getters, for the lists: Dapper reads every column through GetValue (type probe,
/// boxing, conversion), which was half the time of a 1,000-server detail list. ServerRowReaderTests holds this to
/// Dapper's mapping for every column of the table.
/// </summary>
internal static class ServerRowReader
{
    public static async Task<List<ServerRecord>> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<ServerRecord>();
        if (!reader.HasRows)
        {
            return rows;
        }

        int At(string column) => reader.GetOrdinal(column);
        var (uuid, projectId, userId, name, hostname, description) = (At("uuid"), At("project_id"), At("user_id"), At("name"), At("hostname"), At("description"));
        var (domainName, imageRef, flavorId, flavorJson) = (At("domain_name"), At("image_ref"), At("flavor_id"), At("flavor_json"));
        var (vcpus, memoryMb, rootGb, ephemeralGb, swapMb) = (At("vcpus"), At("memory_mb"), At("root_gb"), At("ephemeral_gb"), At("swap_mb"));
        var (keyName, keyData, userData, availabilityZone, configDrive) = (At("key_name"), At("key_data"), At("user_data"), At("availability_zone"), At("config_drive"));
        var (accessIpV4, accessIpV6, diskConfig, securityGroups, networks) = (At("access_ip_v4"), At("access_ip_v6"), At("disk_config"), At("security_groups"), At("networks"));
        var (reservationId, launchIndex, kernelId, ramdiskId, rootDeviceName) = (At("reservation_id"), At("launch_index"), At("kernel_id"), At("ramdisk_id"), At("root_device_name"));
        var (vmState, taskState, powerState, progress) = (At("vm_state"), At("task_state"), At("power_state"), At("progress"));
        var (locked, lockedBy, lockedReason, faultJson) = (At("locked"), At("locked_by"), At("locked_reason"), At("fault_json"));
        var (createdAt, updatedAt, launchedAt, terminatedAt, deletedAt, deleted) = (At("created_at"), At("updated_at"), At("launched_at"), At("terminated_at"), At("deleted_at"), At("deleted"));
        var (oldFlavorJson, newFlavorJson, oldVmState, resizedAt) = (At("old_flavor_json"), At("new_flavor_json"), At("old_vm_state"), At("resized_at"));
        var rowVersion = At("row_version");

        string? Text(int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // The NOT NULL columns are read without a null check; the nullable ones with one.
            rows.Add(new ServerRecord
            {
                Uuid = reader.GetString(uuid),
                ProjectId = reader.GetString(projectId),
                UserId = reader.GetString(userId),
                Name = reader.GetString(name),
                Hostname = reader.GetString(hostname),
                Description = Text(description),
                DomainName = reader.GetString(domainName),
                ImageRef = reader.GetString(imageRef),
                FlavorId = reader.GetString(flavorId),
                FlavorJson = reader.GetString(flavorJson),
                Vcpus = reader.GetInt32(vcpus),
                MemoryMb = reader.GetInt32(memoryMb),
                RootGb = reader.GetInt32(rootGb),
                EphemeralGb = reader.GetInt32(ephemeralGb),
                SwapMb = reader.GetInt32(swapMb),
                KeyName = Text(keyName),
                KeyData = Text(keyData),
                UserData = Text(userData),
                AvailabilityZone = reader.GetString(availabilityZone),
                ConfigDrive = reader.GetInt64(configDrive) != 0,
                AccessIpV4 = reader.GetString(accessIpV4),
                AccessIpV6 = reader.GetString(accessIpV6),
                DiskConfig = reader.GetString(diskConfig),
                SecurityGroups = reader.GetString(securityGroups),
                Networks = reader.GetString(networks),
                ReservationId = reader.GetString(reservationId),
                LaunchIndex = reader.GetInt32(launchIndex),
                KernelId = reader.GetString(kernelId),
                RamdiskId = reader.GetString(ramdiskId),
                RootDeviceName = Text(rootDeviceName),
                VmState = reader.GetString(vmState),
                TaskState = Text(taskState),
                PowerState = reader.GetInt32(powerState),
                Progress = reader.GetInt32(progress),
                Locked = reader.GetInt64(locked) != 0,
                LockedBy = Text(lockedBy),
                LockedReason = Text(lockedReason),
                FaultJson = Text(faultJson),
                CreatedAt = reader.GetString(createdAt),
                UpdatedAt = reader.GetString(updatedAt),
                LaunchedAt = Text(launchedAt),
                TerminatedAt = Text(terminatedAt),
                DeletedAt = Text(deletedAt),
                Deleted = reader.GetInt64(deleted) != 0,
                OldFlavorJson = Text(oldFlavorJson),
                NewFlavorJson = Text(newFlavorJson),
                OldVmState = Text(oldVmState),
                ResizedAt = Text(resizedAt),
                RowVersion = reader.GetInt64(rowVersion),
            });
        }

        return rows;
    }
}
