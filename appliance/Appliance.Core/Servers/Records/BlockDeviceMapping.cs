namespace Appliance.Core.Servers;

/// <summary>One block_device_mapping_v2 entry as stored: where a disk comes from and what it becomes.</summary>
public sealed class BlockDeviceMapping
{
    public long Id { get; init; }
    public string ServerUuid { get; init; } = "";
    public int? BootIndex { get; init; }

    /// <summary>image, blank, volume or snapshot (Nova's source types).</summary>
    public string SourceType { get; init; } = "";

    /// <summary>local or volume.</summary>
    public string DestinationType { get; init; } = "";
    public string? ImageId { get; init; }
    public string? VolumeId { get; init; }
    public int? VolumeSize { get; init; }
    public string? DeviceName { get; init; }
    public string? Tag { get; init; }
    public bool DeleteOnTermination { get; init; }
}
