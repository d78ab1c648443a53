namespace Appliance.Core.Servers;

/// <summary>Nova's server sort keys and the columns they order by here.</summary>
public static class ServerSortKeys
{
    public static readonly IReadOnlyDictionary<string, string> Columns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["access_ip_v4"] = "access_ip_v4",
        ["access_ip_v6"] = "access_ip_v6",
        ["auto_disk_config"] = "disk_config",
        ["availability_zone"] = "availability_zone",
        ["config_drive"] = "config_drive",
        ["created_at"] = "created_at",
        ["display_description"] = "description",
        ["display_name"] = "name",
        ["host"] = "domain_name",
        ["hostname"] = "hostname",
        ["image_ref"] = "image_ref",
        ["instance_type_id"] = "flavor_id",
        ["kernel_id"] = "kernel_id",
        ["key_name"] = "key_name",
        ["launch_index"] = "launch_index",
        ["launched_at"] = "launched_at",
        ["locked_by"] = "locked_by",
        ["node"] = "domain_name",
        ["power_state"] = "power_state",
        ["progress"] = "progress",
        ["project_id"] = "project_id",
        ["ramdisk_id"] = "ramdisk_id",
        ["root_device_name"] = "root_device_name",
        ["task_state"] = "task_state",
        ["terminated_at"] = "terminated_at",
        ["updated_at"] = "updated_at",
        ["user_id"] = "user_id",
        ["uuid"] = "uuid",
        ["vm_state"] = "vm_state",
    };

    /// <summary>Keys Nova accepts but ignores because they would expose or order by hidden columns.</summary>
    public static readonly IReadOnlySet<string> Ignored = new HashSet<string>(StringComparer.Ordinal)
    {
        "architecture", "cell_name", "cleaned", "default_ephemeral_device", "default_swap_device", "deleted",
        "deleted_at", "disable_terminate", "ephemeral_gb", "ephemeral_key_uuid", "id", "key_data", "launched_on",
        "locked", "memory_mb", "os_type", "reservation_id", "root_gb", "shutdown_terminate", "user_data", "vcpus",
        "vm_mode",
    };
}
