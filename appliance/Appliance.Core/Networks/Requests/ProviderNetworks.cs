using System.Text.RegularExpressions;
using Appliance.Core.Servers;

namespace Appliance.Core.Networks;

/// <summary>
/// The admin's networks on an existing host bridge (the homelab's LAN): guests plug into the bridge and take addresses from
/// the admin's pool, set statically from network_data.json unless the LAN's own DHCP is to give them.
/// </summary>
public sealed partial class ProviderNetworks(NetworkRepository repository)
{
    public async Task<NetworkRecord> CreateAsync(NewProviderNetwork request, CancellationToken cancellationToken = default)
    {
        if (!BridgeName().IsMatch(request.Bridge))
        {
            throw new InvalidRequestException($"'{request.Bridge}' is not a bridge name (at most 15 letters, digits, '.', '-' or '_')");
        }

        if (!Ipv4Cidr.TryParse(request.Cidr, out var cidr) || cidr.Value.PrefixLength > 30)
        {
            throw new InvalidRequestException($"'{request.Cidr}' is not an IPv4 subnet such as 192.168.1.0/24");
        }

        var range = cidr.Value;
        if (!InSubnet(request.PoolStart, range, out var start) || !InSubnet(request.PoolEnd, range, out var end) || start > end)
        {
            throw new InvalidRequestException($"the pool {request.PoolStart}-{request.PoolEnd} must be a range of addresses in {range}");
        }

        if (request.Gateway is { } gateway && !InSubnet(gateway, range, out _))
        {
            throw new InvalidRequestException($"the gateway {gateway} is not in {range}");
        }

        if ((await repository.NetworksAsync(cancellationToken)).Any(n => n.Name == request.Name))
        {
            throw new AlreadyExistsException($"A network named {request.Name} exists already.");
        }

        var now = Timestamps.Now();
        var id = Guid.NewGuid().ToString();
        var network = new NetworkRecord
        {
            Id = id,
            Name = request.Name,
            ProjectId = request.ProjectId,
            Shared = true,
            Kind = NetworkKinds.Provider,
            Bridge = request.Bridge,
            Mtu = request.Mtu,
            RouterExternal = request.External,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var subnet = new SubnetRecord
        {
            Id = Guid.NewGuid().ToString(),
            NetworkId = id,
            ProjectId = request.ProjectId,
            Name = $"{request.Name}-subnet",
            Cidr = range.ToString(),
            GatewayIp = request.Gateway,
            EnableDhcp = request.LanDhcp,
            DnsNameservers = request.DnsServers,
            AllocationPools = [new AllocationPool(request.PoolStart, request.PoolEnd)],
            CreatedAt = now,
            UpdatedAt = now,
        };
        await repository.CreateNetworkAsync(network, subnet, cancellationToken);
        return network;
    }

    private static bool InSubnet(string address, Ipv4Cidr range, out uint value) =>
        Ipv4Cidr.TryParseAddress(address, out value) && range.HoldsHost(value);

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,15}$")]
    private static partial Regex BridgeName();
}

/// <summary>A provider network to make: its name, the host bridge, the subnet, the pool and what the guests are told.</summary>
public sealed record NewProviderNetwork(string Name, string ProjectId, string Bridge, string Cidr, string PoolStart, string PoolEnd)
{
    public string? Gateway { get; init; }

    public IReadOnlyList<string> DnsServers { get; init; } = [];

    /// <summary>The LAN's DHCP server gives the addresses (network_data says DHCP); otherwise they are set statically.</summary>
    public bool LanDhcp { get; init; }

    public int Mtu { get; init; } = 1500;

    /// <summary>router:external: floating IPs come from the pool, NAT'd to guests on the appliance's own networks.</summary>
    public bool External { get; init; }
}
