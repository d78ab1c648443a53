using Appliance.Core.Networks;

namespace Appliance.Tests.Networks;

/// <summary>Documentation and benchmark ranges (RFC 5737, RFC 2544) for the tests' own subnets, skipping any this host routes.</summary>
public static class TestCidrs
{
    private static readonly string[] Candidates =
        ["198.18.7.0/24", "198.19.7.0/24", "198.18.9.0/24", "198.19.9.0/24", "203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24"];

    /// <summary>The <paramref name="nth"/> candidate that overlaps none of the host's routes (subnet create refuses those).</summary>
    public static string Free(int nth) =>
        Candidates.Where(cidr => !HostRoutes.Read().Any(route => route.Overlaps(Ipv4Cidr.Parse(cidr)))).ElementAt(nth);
}
