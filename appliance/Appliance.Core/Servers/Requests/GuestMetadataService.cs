using System.Text.Json.Nodes;
using Appliance.Core.Networks;
using Appliance.Hypervisor.ConfigDrive;

namespace Appliance.Core.Servers;

/// <summary>
/// The metadata service's answers: the same files as the config drive, for the one guest that holds the address the
/// request comes from. Anti-spoofing on every NIC makes that address the guest's own.
/// </summary>
public sealed class GuestMetadataService(NetworkRepository networks, ServerRepository servers, ServerNetworking networking, GuestMetadata metadata)
{
    /// <summary>The files of the live server whose port holds this address, or null when none does.</summary>
    public async Task<GuestMetadataFiles?> ForAddressAsync(string address, CancellationToken cancellationToken = default)
    {
        var port = await networks.PortByAddressAsync(address, cancellationToken);
        if (port is null || port.DeviceId.Length == 0)
        {
            return null;
        }

        var server = await servers.FindAsync(port.DeviceId, cancellationToken: cancellationToken);
        if (server is null || server.VmState is VmStates.Deleted)
        {
            return null;
        }

        var plugged = await networking.DescribeAsync(server, cancellationToken);
        var instance = await metadata.ForAsync(server, plugged, secrets: null, cancellationToken);
        var files = ConfigDriveLayout.Files(instance).ToDictionary(file => file.Path, file => file.Content, StringComparer.Ordinal);
        return new GuestMetadataFiles(server.Uuid, files, ConfigDriveLayout.Ec2MetaData(instance, ConfigDriveLayout.Ec2Versions[^1]),
            ConfigDriveLayout.Ec2Versions, ConfigDriveLayout.OpenStackVersions);
    }
}

/// <summary>One guest's metadata: the config drive's files by path, and the EC2 meta-data tree to walk.</summary>
public sealed record GuestMetadataFiles(
    string ServerUuid,
    IReadOnlyDictionary<string, byte[]> Files,
    JsonObject Ec2MetaData,
    IReadOnlyList<string> Ec2Versions,
    IReadOnlyList<string> OpenStackVersions);
