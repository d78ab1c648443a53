namespace Appliance.Web.Ui.Backend;

/// <summary>One server as the live table shows it; its fixed addresses in NIC order.</summary>
public sealed record ServerRow(
    string Id, string Name, string Status, string? TaskState, string ProjectId, string FlavorId, string ImageRef, DateTimeOffset CreatedAt,
    IReadOnlyList<string> Addresses);

/// <summary>Everything the server detail view shows.</summary>
public sealed record ServerDetails(
    ServerRow Server,
    int Vcpus,
    int MemoryMb,
    string? KeyName,
    bool ConfigDrive,
    bool Locked,
    string? Fault,
    IReadOnlyList<AddressRow> Addresses,
    IReadOnlyList<DiskRow> Disks,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<ActionTimeline> Actions,
    IReadOnlySet<ServerAction> Allowed);

/// <summary>What the detail view's buttons do; a button is enabled only when its action may start from the server's state.</summary>
public enum ServerAction
{
    Start,
    Stop,
    Reboot,
    HardReboot,
    Snapshot,
    Delete,
}

/// <summary>One fixed address of a server: the network it is on, the address, and the MAC of the port that holds it.</summary>
public sealed record AddressRow(string Network, string Address, string Mac)
{
    /// <summary>On a user network: where the host reaches the guest, e.g. "127.0.0.1:20000 → 22/tcp".</summary>
    public IReadOnlyList<string> Forwards { get; init; } = [];
}

public sealed record DiskRow(string Device, string Kind, string Size);

/// <summary>An instance action (create, delete, ...) with its phases, oldest phase first.</summary>
public sealed record ActionTimeline(string Action, string RequestId, DateTimeOffset Start, DateTimeOffset? Finish, string? Message, IReadOnlyList<PhaseRow> Phases)
{
    public TimeSpan? Duration => Finish - Start;
}

public sealed record PhaseRow(string Name, DateTimeOffset Start, DateTimeOffset? Finish, string? Result, string? Details)
{
    public TimeSpan? Duration => Finish - Start;
}

/// <summary>What a create form may pick from.</summary>
public sealed record CreateChoices(IReadOnlyList<Choice> Images, IReadOnlyList<Choice> Flavors, IReadOnlyList<Choice> KeyPairs);

public sealed record Choice(string Id, string Label);

/// <summary>The create form's answers.</summary>
public sealed record ServerForm(string Name, string ImageId, string FlavorId, string? KeyName, string? UserData, bool ConfigDrive);

/// <summary>The status page's server operations, each as the signed-in user.</summary>
public interface IServerCatalog
{
    /// <summary>Live servers the user may see, newest first.</summary>
    Task<IReadOnlyList<ServerRow>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The server's row, or null when it is deleted or not the user's to see.</summary>
    Task<ServerRow?> FindAsync(string id, CancellationToken cancellationToken = default);

    Task<ServerDetails?> DetailsAsync(string id, CancellationToken cancellationToken = default);

    Task<string> ConsoleTailAsync(string id, int lines, CancellationToken cancellationToken = default);

    Task<CreateChoices> ChoicesAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the server and returns its id; it then builds in the background.</summary>
    Task<string> CreateAsync(ServerForm form, CancellationToken cancellationToken = default);

    /// <summary>Start, Stop, Reboot or HardReboot, as os-start, os-stop and reboot: the server changes state in the background.</summary>
    Task PowerAsync(string id, ServerAction action, CancellationToken cancellationToken = default);

    /// <summary>createImage: the new private image, saving until the snapshot is taken.</summary>
    Task<ImageRow> SnapshotAsync(string id, string imageName, CancellationToken cancellationToken = default);

    Task DeleteAsync(string id, CancellationToken cancellationToken = default);
}
