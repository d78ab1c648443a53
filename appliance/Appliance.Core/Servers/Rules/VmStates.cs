namespace Appliance.Core.Servers;

/// <summary>Nova's vm_state values: where a server rests between operations.</summary>
public static class VmStates
{
    public const string Active = "active";
    public const string Building = "building";
    public const string Paused = "paused";
    public const string Suspended = "suspended";
    public const string Stopped = "stopped";
    public const string Rescued = "rescued";
    public const string Resized = "resized";
    public const string SoftDeleted = "soft-delete";
    public const string Deleted = "deleted";
    public const string Error = "error";
    public const string Shelved = "shelved";
    public const string ShelvedOffloaded = "shelved_offloaded";
}

/// <summary>Nova's task_state values: the operation a server is in the middle of (null when none).</summary>
public static class TaskStates
{
    public const string Scheduling = "scheduling";
    public const string BlockDeviceMapping = "block_device_mapping";
    public const string Networking = "networking";
    public const string Spawning = "spawning";
    public const string ImageSnapshot = "image_snapshot";
    public const string ImageSnapshotPending = "image_snapshot_pending";
    public const string ImagePendingUpload = "image_pending_upload";
    public const string ImageUploading = "image_uploading";
    public const string UpdatingPassword = "updating_password";
    public const string ResizePrep = "resize_prep";
    public const string ResizeMigrating = "resize_migrating";
    public const string ResizeMigrated = "resize_migrated";
    public const string ResizeFinish = "resize_finish";
    public const string ResizeReverting = "resize_reverting";
    public const string ResizeConfirming = "resize_confirming";
    public const string Rebooting = "rebooting";
    public const string RebootPending = "reboot_pending";
    public const string RebootStarted = "reboot_started";
    public const string RebootingHard = "rebooting_hard";
    public const string RebootPendingHard = "reboot_pending_hard";
    public const string RebootStartedHard = "reboot_started_hard";
    public const string Pausing = "pausing";
    public const string Unpausing = "unpausing";
    public const string Suspending = "suspending";
    public const string Resuming = "resuming";
    public const string PoweringOff = "powering-off";
    public const string PoweringOn = "powering-on";
    public const string Rebuilding = "rebuilding";
    public const string RebuildBlockDeviceMapping = "rebuild_block_device_mapping";
    public const string RebuildSpawning = "rebuild_spawning";
    public const string Migrating = "migrating";
    public const string Deleting = "deleting";
}
