using System.Text.Json.Nodes;

namespace Appliance.Hypervisor.ConfigDrive;

/// <summary>Everything a config drive tells a guest about itself, as Nova's InstanceMetadata holds it.</summary>
public sealed record InstanceMetadata
{
    public required Guid Uuid { get; init; }

    public required string Hostname { get; init; }

    /// <summary>The server's display name.</summary>
    public required string Name { get; init; }

    public int LaunchIndex { get; init; }

    public string AvailabilityZone { get; init; } = "nova";

    public required string ProjectId { get; init; }

    /// <summary>The server's metadata key/value pairs ("meta" in meta_data.json).</summary>
    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();

    public KeyPairMetadata? KeyPair { get; init; }

    /// <summary>Personality files: guest path and content, served as openstack/content/NNNN.</summary>
    public IReadOnlyList<(string Path, byte[] Content)> Files { get; init; } = [];

    public string? AdminPass { get; init; }

    public byte[]? UserData { get; init; }

    /// <summary>network_data.json; Nova writes {} when the guest has no network information.</summary>
    public JsonObject NetworkData { get; init; } = [];

    /// <summary>The StaticJSON vendor data; {} by default, as Nova without a vendordata file.</summary>
    public JsonObject VendorData { get; init; } = [];

    /// <summary>The EC2 ids Nova derives from integer ids; ours come from the caller.</summary>
    public string Ec2InstanceId { get; init; } = "i-00000001";

    public string Ec2ImageId { get; init; } = "ami-00000001";

    public string ReservationId { get; init; } = "r-00000001";

    public string FlavorName { get; init; } = "";

    public IReadOnlyList<string> SecurityGroups { get; init; } = [];
}

/// <summary>The server's key pair as meta_data.json shows it under public_keys and keys.</summary>
public sealed record KeyPairMetadata(string Name, string Type, string PublicKey);
