namespace Appliance.Core.Networks;

/// <summary>The subnet of the default network at first start: the configured one, or a free /24 in 10.0.0.0/8.</summary>
public static class PrivateSubnetChoice
{
    /// <summary>
    /// "auto" walks the /24s 10.x.y.0 from a point the data dir decides, and takes the first that overlaps neither a host
    /// route nor another subnet of the appliance.
    /// </summary>
    public static Ipv4Cidr Choose(string configured, int seed, IReadOnlyList<Ipv4Cidr> taken)
    {
        if (!string.Equals(configured, "auto", StringComparison.OrdinalIgnoreCase))
        {
            return Ipv4Cidr.TryParse(configured, out var cidr) && cidr.Value.PrefixLength is >= 16 and <= 29
                ? cidr.Value
                : throw new InvalidOperationException($"Networking:PrivateCidr '{configured}' is not an IPv4 CIDR with a prefix between /16 and /29");
        }

        // 10.x.y.0/24 with x from the seed on: 65536 candidates, a different start for each data dir.
        for (var step = 0; step < 1 << 16; step++)
        {
            var index = ((seed << 8) + step) & 0xffff;
            var candidate = new Ipv4Cidr(0x0A000000u | ((uint)index << 8), 24);
            if (!taken.Any(candidate.Overlaps))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("no /24 in 10.0.0.0/8 is free of the host's routes; set Networking:PrivateCidr");
    }
}
