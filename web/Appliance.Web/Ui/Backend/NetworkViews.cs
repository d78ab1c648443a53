namespace Appliance.Web.Ui.Backend;

/// <summary>
/// One network as the Networks page shows it: its subnet's CIDR and gateway (none without a subnet), and how many of its
/// pool's addresses ports hold. The bridge is the host's device name, for an admin only (null for anyone else).
/// <see cref="Deletable"/> says whether the user may delete it (Neutron's policy: its project's member, or an admin).
/// </summary>
public sealed record NetworkRow(
    string Id, string Name, string Kind, bool Shared, string? Cidr, string? GatewayIp, string? Bridge, int AddressesUsed, int PoolSize,
    bool Deletable = false);

/// <summary>The status page's view of networks, as the signed-in user.</summary>
public interface INetworkCatalog
{
    /// <summary>The networks the user may see: an admin every one, anyone else the shared ones and their project's.</summary>
    Task<IReadOnlyList<NetworkRow>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes a network of the user's project with one IPv4 subnet, as `network create` and `subnet create` do.</summary>
    Task<NetworkRow> CreateAsync(string name, string cidr, CancellationToken cancellationToken = default);

    /// <summary>Deletes a network the user may delete; refused while ports are on it.</summary>
    Task DeleteAsync(string id, CancellationToken cancellationToken = default);
}
