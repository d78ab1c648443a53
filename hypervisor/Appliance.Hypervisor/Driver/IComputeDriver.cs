using Appliance.Hypervisor.Host;
using Appliance.Hypervisor.Networking;

namespace Appliance.Hypervisor.Driver;

/// <summary>
/// Everything the core asks of the hypervisor. Calls for one instance are serialized by the caller;
/// calls for different instances may run at once.
/// </summary>
public interface IComputeDriver
{
    /// <summary>Raised for every guest lifecycle change libvirt reports, in order.</summary>
    event Action<LifecycleEvent>? LifecycleChanged;

    /// <summary>Raised when the hypervisor answers again after it was away (a libvirtd restart): lifecycle changes of the gap were not reported.</summary>
    event Action? Reconnected;

    /// <summary>Prepares disks and config drive, defines and starts the guest; cleans up everything on failure.</summary>
    Task<SpawnReport> SpawnAsync(SpawnRequest request, CancellationToken cancellationToken = default);

    /// <summary>Stops and undefines the guest and removes its instance dir; volumes are left to the caller.</summary>
    Task DestroyAsync(Guid uuid, CancellationToken cancellationToken = default);

    /// <summary>ACPI shutdown, then a hard stop if the guest has not stopped within the clean-shutdown timeout.</summary>
    Task PowerOffAsync(Guid uuid, CancellationToken cancellationToken = default);

    Task PowerOnAsync(Guid uuid, CancellationToken cancellationToken = default);

    /// <summary>Soft: ACPI shutdown and start again, falling back to hard after the soft-reboot timeout. Returns the kind that happened.</summary>
    Task<RebootKind> RebootAsync(Guid uuid, RebootKind kind, CancellationToken cancellationToken = default);

    /// <summary>Sends the running guest a non-maskable interrupt, so a guest set up for it writes a crash dump.</summary>
    Task InjectNmiAsync(Guid uuid, CancellationToken cancellationToken = default);

    Task PauseAsync(Guid uuid, CancellationToken cancellationToken = default);

    Task UnpauseAsync(Guid uuid, CancellationToken cancellationToken = default);

    /// <summary>Saves memory to disk and stops the guest (managed save).</summary>
    Task SuspendAsync(Guid uuid, CancellationToken cancellationToken = default);

    Task ResumeAsync(Guid uuid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops the guest and spawns it anew from request (same uuid): new root, new config drive, local disks remade, except
    /// the ephemeral disk when preserveEphemeral. Volumes stay. A failure leaves the instance dir for a later rebuild or delete.
    /// </summary>
    Task<SpawnReport> RebuildAsync(SpawnRequest request, bool preserveEphemeral = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cold resize in place: stop, keep a copy of the instance dir and definition for a revert, grow disks (never shrink),
    /// remake swap, redefine, start again if it was running. A failure puts the guest back as it was. Returns the timed phases.
    /// </summary>
    Task<IReadOnlyList<SpawnPhase>> ResizeAsync(Guid uuid, FlavorSize size, CancellationToken cancellationToken = default);

    /// <summary>Drops what the resize kept for a revert; nothing kept is not an error.</summary>
    Task ConfirmResizeAsync(Guid uuid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Throws the resized guest away and puts back the disks and definition the resize kept, started when powerOn. False
    /// when nothing was kept (a resize cut short before it changed the disks): then only the guest is started when asked.
    /// </summary>
    Task<bool> RevertResizeAsync(Guid uuid, bool powerOn, CancellationToken cancellationToken = default);

    /// <summary>Makes a volume file: a standalone copy of the image grown to sizeBytes, or a blank one when image is null.</summary>
    Task<VolumeFile> CreateVolumeAsync(string volumeId, ImageFile? image, long sizeBytes, CancellationToken cancellationToken = default);

    /// <summary>Removes a volume file; a missing one is not an error.</summary>
    void DeleteVolume(string volumeId);

    /// <summary>Attaches a volume as the next virtio disk, live when the guest runs; returns its device name (e.g. vdc).</summary>
    Task<string> AttachVolumeAsync(Guid uuid, VolumeFile volume, CancellationToken cancellationToken = default);

    /// <summary>Detaches a volume and waits until a running guest has let go of it.</summary>
    Task DetachVolumeAsync(Guid uuid, string volumeId, CancellationToken cancellationToken = default);

    /// <summary>Plugs a virtio NIC into the guest, live when it runs, and into its definition.</summary>
    Task AttachNicAsync(Guid uuid, GuestNic nic, CancellationToken cancellationToken = default);

    /// <summary>Unplugs the NIC with this MAC and waits until a running guest has let go of it.</summary>
    Task DetachNicAsync(Guid uuid, string mac, CancellationToken cancellationToken = default);

    /// <summary>Copies the root disk, from a consistent state, into a standalone qcow2 at targetPath.</summary>
    Task SnapshotAsync(Guid uuid, string targetPath, CancellationToken cancellationToken = default);

    /// <summary>Sets a guest user's password through the guest agent.</summary>
    Task SetAdminPasswordAsync(Guid uuid, string user, string password, CancellationToken cancellationToken = default);

    /// <summary>The tail of the serial console log; at most maxLines lines when given.</summary>
    Task<string> GetConsoleOutputAsync(Guid uuid, int? maxLines = null, CancellationToken cancellationToken = default);

    PowerState GetPowerState(Guid uuid);

    IReadOnlyList<GuestStatus> ListGuests();

    HostCapacity GetHostCapacity();

    /// <summary>Type and versions of the hypervisor behind the connection; throws when it does not answer.</summary>
    HypervisorInfo Describe();
}
