using Appliance.Core.Networks;

namespace Appliance.Core.Servers;

/// <summary>A server create request whose shape the API has already checked; the core checks what it refers to.</summary>
public sealed record NewServer
{
    public required string Name { get; init; }

    /// <summary>Image id; null when booting from a volume made from the block device mappings.</summary>
    public string? ImageRef { get; init; }

    public required string FlavorRef { get; init; }

    public string? KeyName { get; init; }

    /// <summary>Base64 as the client sent it; the guest gets the decoded bytes.</summary>
    public string? UserData { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<(string Path, byte[] Contents)> Personality { get; init; } = [];

    public string? AvailabilityZone { get; init; }

    public bool ConfigDrive { get; init; }

    public string AccessIpV4 { get; init; } = "";

    public string AccessIpV6 { get; init; } = "";

    public string DiskConfig { get; init; } = "MANUAL";

    public IReadOnlyList<string> SecurityGroups { get; init; } = ["default"];

    /// <summary>"none", "auto" or the JSON of a requested network list, kept as asked.</summary>
    public RequestedNetworks Networks { get; init; } = RequestedNetworks.Auto;

    public IReadOnlyList<BlockDeviceMapping> BlockDevices { get; init; } = [];

    public int MinCount { get; init; } = 1;

    public int MaxCount { get; init; } = 1;

    public string? AdminPass { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];
}

/// <summary>What a create made: the servers (in launch order), the admin password the first one got, and their reservation id.</summary>
public sealed record CreatedServers(IReadOnlyList<ServerRecord> Servers, string AdminPass, string ReservationId);
