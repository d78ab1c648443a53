namespace Appliance.Core.Networks;

/// <summary>Which address a new port gets on a subnet: the one asked for, if it may have it, or the lowest free in the pools.</summary>
internal static class AddressPicker
{
    public static string Pick(SubnetRecord subnet, IReadOnlySet<string> used, string? wanted, string networkId)
    {
        var range = subnet.Range;
        if (wanted is not null)
        {
            if (!Ipv4Cidr.TryParseAddress(wanted, out var address) || !range.HoldsHost(address))
            {
                throw new InvalidRequestException($"IP address {wanted} is not a valid IP for the specified subnet.");
            }

            if (wanted == subnet.GatewayIp || used.Contains(wanted))
            {
                throw new AddressInUseException(wanted);
            }

            return wanted;
        }

        foreach (var (start, end) in Pools(subnet))
        {
            for (var candidate = start; candidate <= end && candidate >= start; candidate++)
            {
                var text = Ipv4Cidr.Format(candidate);
                if (text != subnet.GatewayIp && !used.Contains(text))
                {
                    return text;
                }
            }
        }

        throw new PoolExhaustedException($"No fixed IP addresses available for network: {networkId}");
    }

    /// <summary>The subnet's pools as numbers; without pools, every host address of the subnet.</summary>
    private static IEnumerable<(uint Start, uint End)> Pools(SubnetRecord subnet)
    {
        if (subnet.AllocationPools.Count == 0)
        {
            yield return (subnet.Range.FirstHost, subnet.Range.LastHost);
            yield break;
        }

        foreach (var pool in subnet.AllocationPools)
        {
            if (Ipv4Cidr.TryParseAddress(pool.Start, out var start) && Ipv4Cidr.TryParseAddress(pool.End, out var end))
            {
                yield return (start, end);
            }
        }
    }
}

/// <summary>The address asked for is held by another port (or is the gateway's).</summary>
public sealed class AddressInUseException(string address) : ConflictException($"Fixed IP address {address} is already in use.")
{
    public string Address { get; } = address;
}

/// <summary>No address is left in the network's pools.</summary>
public sealed class PoolExhaustedException(string message) : ConflictException(message);
