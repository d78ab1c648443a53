namespace Appliance.Core.Servers;

/// <summary>One row of the servers table (Nova's instance); times are the stored UTC ISO-8601 strings.</summary>
public sealed class ServerRecord
{
    public string Uuid { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string UserId { get; init; } = "";
    public string Name { get; init; } = "";
    public string Hostname { get; init; } = "";
    public string? Description { get; init; }
    public string DomainName { get; init; } = "";
    public string ImageRef { get; init; } = "";
    public string FlavorId { get; init; } = "";
    public string FlavorJson { get; init; } = "{}";
    public int Vcpus { get; init; }
    public int MemoryMb { get; init; }
    public int RootGb { get; init; }
    public int EphemeralGb { get; init; }
    public int SwapMb { get; init; }
    public string? KeyName { get; init; }
    public string? KeyData { get; init; }
    public string? UserData { get; init; }
    public string AvailabilityZone { get; init; } = "nova";
    public bool ConfigDrive { get; init; }
    public string AccessIpV4 { get; init; } = "";
    public string AccessIpV6 { get; init; } = "";
    public string DiskConfig { get; init; } = "MANUAL";
    public string SecurityGroups { get; init; } = "[\"default\"]";
    public string Networks { get; init; } = "none";
    public string ReservationId { get; init; } = "";
    public int LaunchIndex { get; init; }
    public string KernelId { get; init; } = "";
    public string RamdiskId { get; init; } = "";
    public string? RootDeviceName { get; init; }
    public string VmState { get; init; } = VmStates.Building;
    public string? TaskState { get; init; }
    public int PowerState { get; init; }
    public int Progress { get; init; }
    public bool Locked { get; init; }
    public string? LockedBy { get; init; }
    public string? LockedReason { get; init; }
    public string? FaultJson { get; init; }
    public string CreatedAt { get; init; } = "";
    public string UpdatedAt { get; init; } = "";
    public string? LaunchedAt { get; init; }
    public string? TerminatedAt { get; init; }
    public string? DeletedAt { get; init; }
    public bool Deleted { get; init; }

    /// <summary>The flavor before a resize, while the resize is open (Nova's old_flavor); null otherwise.</summary>
    public string? OldFlavorJson { get; init; }

    /// <summary>The flavor a resize goes to, while it is open (Nova's new_flavor); null otherwise.</summary>
    public string? NewFlavorJson { get; init; }

    /// <summary>The vm_state before a resize (active or stopped), while it is open.</summary>
    public string? OldVmState { get; init; }

    /// <summary>When the server reached VERIFY_RESIZE; null when it is not waiting for a confirm or revert.</summary>
    public string? ResizedAt { get; init; }

    /// <summary>Bumped by the database on every update of the row: equal versions mean equal rows.</summary>
    public long RowVersion { get; init; }

    public Guid Id => Guid.Parse(Uuid);

    public string Status => ServerStatus.Of(VmState, TaskState);
}
