namespace Appliance.Core.Networks;

/// <summary>What a subnet create may ask for, and what Neutron fills in: the gateway at the first host, pools around it.</summary>
internal static class SubnetRules
{
    public static SubnetRecord Build(SubnetRequest request, NetworkRecord network, string now)
    {
        if (request.IpVersion != 4)
        {
            throw new InvalidRequestException(request.IpVersion == 6
                ? "Invalid input for operation: IPv6 subnets are not supported on the appliance."
                : $"Invalid input for ip_version. Reason: {request.IpVersion} is not in [4, 6].");
        }

        if (!Ipv4Cidr.TryParse(request.Cidr, out var parsed) || parsed.Value.ToString() != request.Cidr.Trim())
        {
            throw new InvalidRequestException($"Invalid input for cidr. Reason: '{request.Cidr}' is not a valid IP subnet.");
        }

        var range = parsed.Value;
        if (range.PrefixLength > 30 || range.PrefixLength < 8)
        {
            throw new InvalidRequestException($"Invalid input for operation: the prefix of {range} must be between /8 and /30.");
        }

        var gateway = request.NoGateway ? (uint?)null : request.GatewayIp is { } asked ? HostIn(asked, range, "gateway_ip") : range.FirstHost;
        var pools = request.AllocationPools is { Count: > 0 } given
            ? given.Select(pool => Pool(pool, range, gateway)).ToList()
            : DefaultPools(range, gateway);
        foreach (var dns in request.DnsNameservers)
        {
            if (!Ipv4Cidr.TryParseAddress(dns, out _))
            {
                throw new InvalidRequestException($"Invalid input for dns_nameservers. Reason: '{dns}' is not a valid nameserver.");
            }
        }

        return new SubnetRecord
        {
            Id = Guid.NewGuid().ToString(),
            NetworkId = network.Id,
            ProjectId = network.ProjectId,
            Name = request.Name ?? "",
            Cidr = range.ToString(),
            GatewayIp = gateway is { } at ? Ipv4Cidr.Format(at) : null,
            EnableDhcp = request.EnableDhcp,
            DnsNameservers = request.DnsNameservers,
            AllocationPools = pools,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private static uint HostIn(string address, Ipv4Cidr range, string field) =>
        Ipv4Cidr.TryParseAddress(address, out var value) && range.HoldsHost(value)
            ? value
            : throw new InvalidRequestException($"Invalid input for {field}. Reason: '{address}' is not a host address of {range}.");

    private static AllocationPool Pool(AllocationPool pool, Ipv4Cidr range, uint? gateway)
    {
        var start = HostIn(pool.Start, range, "allocation_pools");
        var end = HostIn(pool.End, range, "allocation_pools");
        if (start > end)
        {
            throw new InvalidRequestException($"Invalid input for operation: the allocation pool {pool.Start}-{pool.End} ends before it starts.");
        }

        return gateway is { } at && at >= start && at <= end
            ? throw new InvalidRequestException($"Gateway ip {Ipv4Cidr.Format(at)} conflicts with allocation pool {pool.Start}-{pool.End}.")
            : pool;
    }

    /// <summary>Every host address but the gateway's, as one or two ranges.</summary>
    private static List<AllocationPool> DefaultPools(Ipv4Cidr range, uint? gateway)
    {
        var pools = new List<(uint Start, uint End)>();
        if (gateway is { } at)
        {
            pools.Add((range.FirstHost, at - 1));
            pools.Add((at + 1, range.LastHost));
        }
        else
        {
            pools.Add((range.FirstHost, range.LastHost));
        }

        return pools.Where(pool => pool.Start <= pool.End && pool.Start >= range.FirstHost && pool.End <= range.LastHost)
            .Select(pool => new AllocationPool(Ipv4Cidr.Format(pool.Start), Ipv4Cidr.Format(pool.End)))
            .ToList();
    }
}
