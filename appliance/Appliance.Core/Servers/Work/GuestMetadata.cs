using System.Text.Json;
using Appliance.Core.Networks;
using Appliance.Hypervisor.ConfigDrive;

namespace Appliance.Core.Servers;

/// <summary>What a guest learns about itself, from its row: one source for the config drive and the metadata service.</summary>
public sealed class GuestMetadata(ServerRepository servers)
{
    /// <summary>The metadata of the server; the secrets only a build knows (admin password, personality files) when given.</summary>
    internal async Task<InstanceMetadata> ForAsync(ServerRecord server, PluggedNetworks networks, BuildSecrets? secrets, CancellationToken cancellationToken) => new()
    {
        Uuid = server.Id,
        Hostname = server.Hostname,
        Name = server.Name,
        LaunchIndex = server.LaunchIndex,
        AvailabilityZone = server.AvailabilityZone,
        ProjectId = server.ProjectId,
        Meta = await servers.MetadataAsync(server.Uuid, cancellationToken),
        KeyPair = server.KeyName is null ? null : new KeyPairMetadata(server.KeyName, "ssh", server.KeyData ?? ""),
        Files = secrets?.Personality ?? [],
        AdminPass = secrets?.AdminPass,
        UserData = server.UserData is null ? null : Convert.FromBase64String(server.UserData),
        Ec2InstanceId = $"i-{server.Uuid[..8]}",
        Ec2ImageId = server.ImageRef.Length == 0 ? "ami-00000000" : $"ami-{server.ImageRef[..8]}",
        ReservationId = server.ReservationId,
        FlavorName = StoredFlavor.FromJson(server.FlavorJson).Name,
        SecurityGroups = JsonSerializer.Deserialize<List<string>>(server.SecurityGroups) ?? [],
        NetworkData = NetworkDataJson.For(networks.NetworkData),
    };
}
