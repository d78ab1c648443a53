using Appliance.Core.Networks;

namespace Appliance.Core.Servers;

/// <summary>A server with what its detail view shows beside the row: its metadata, tags, block devices and fixed addresses.</summary>
public sealed record ServerDetail(
    ServerRecord Server,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> Tags,
    IReadOnlyList<BlockDeviceMapping> BlockDevices,
    IReadOnlyList<ServerAddress> Addresses);
