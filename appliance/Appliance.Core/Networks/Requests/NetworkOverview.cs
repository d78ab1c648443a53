namespace Appliance.Core.Networks;

/// <summary>The networks a caller may see, each with how much of its pool is given out: the status page's Networks card.</summary>
public sealed class NetworkOverview(NetworkRepository repository)
{
    public async Task<IReadOnlyList<NetworkUsage>> ListAsync(string projectId, bool isAdmin, CancellationToken cancellationToken = default)
    {
        var subnets = await repository.SubnetByNetworkAsync(cancellationToken);
        var used = await repository.AddressCountsAsync(cancellationToken);
        return (await repository.NetworksAsync(cancellationToken))
            .Where(n => isAdmin || n.Shared || n.ProjectId == projectId)
            .Select(n => subnets.TryGetValue(n.Id, out var subnet)
                ? new NetworkUsage(n.Id, n.Name, n.ProjectId, n.Kind, n.Shared, subnet.Cidr, subnet.GatewayIp, n.Bridge, used.GetValueOrDefault(subnet.Id), PoolSize(subnet))
                : new NetworkUsage(n.Id, n.Name, n.ProjectId, n.Kind, n.Shared, null, null, n.Bridge, 0, 0))
            .ToList();
    }

    /// <summary>How many addresses the pools hold, without the gateway.</summary>
    private static int PoolSize(SubnetRecord subnet)
    {
        var pools = subnet.AllocationPools.Count > 0
            ? subnet.AllocationPools.Select(p => (Ipv4Cidr.TryParseAddress(p.Start, out var s) ? s : 0, Ipv4Cidr.TryParseAddress(p.End, out var e) ? e : 0))
            : [(subnet.Range.FirstHost, subnet.Range.LastHost)];
        var gateway = Ipv4Cidr.TryParseAddress(subnet.GatewayIp, out var g) ? g : (uint?)null;
        return pools.Sum(p => (int)(p.Item2 - p.Item1 + 1) - (gateway is { } at && at >= p.Item1 && at <= p.Item2 ? 1 : 0));
    }
}

/// <summary>One network as the status page shows it.</summary>
public sealed record NetworkUsage(string Id, string Name, string ProjectId, string Kind, bool Shared, string? Cidr, string? GatewayIp, string Bridge, int AddressesUsed, int PoolSize);
