using Appliance.Core;
using Appliance.Core.Networks;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Networks;

/// <summary>Fixed addresses on a real SQLite file: exact under concurrency, freed with their port, never outside the pools.</summary>
public sealed class PortAllocationTests : IDisposable
{
    private readonly TempStore _store = new();

    private static (NetworkRecord Network, SubnetRecord Subnet) NetworkOn(string cidr, string name = "net", params AllocationPool[] pools)
    {
        var id = Guid.NewGuid().ToString();
        var range = Ipv4Cidr.Parse(cidr);
        var network = new NetworkRecord
        {
            Id = id,
            Name = name,
            ProjectId = "p",
            Kind = NetworkKinds.Isolated,
            LibvirtName = $"test-{id[..8]}",
            Bridge = $"tb{id[..6]}",
            CreatedAt = "2026-12-07T00:00:00.000000Z",
            UpdatedAt = "2026-12-07T00:00:00.000000Z",
        };
        var subnet = new SubnetRecord
        {
            Id = Guid.NewGuid().ToString(),
            NetworkId = id,
            ProjectId = "p",
            Cidr = cidr,
            GatewayIp = Ipv4Cidr.Format(range.FirstHost),
            AllocationPools = pools,
            CreatedAt = network.CreatedAt,
            UpdatedAt = network.UpdatedAt,
        };
        return (network, subnet);
    }

    private async Task<NetworkRepository> RepositoryAsync() => new(await _store.MigratedAsync());

    [Fact]
    public async Task ParallelPorts_NeverShareAnAddress_AndTheLastOnesFindThePoolEmpty()
    {
        var repository = await RepositoryAsync();
        var (network, subnet) = NetworkOn("10.20.30.0/27"); // 30 hosts, one of them the gateway: 29 to give
        await repository.CreateNetworkAsync(network, subnet);

        var attempts = Enumerable.Range(0, 40).Select(async i =>
        {
            try
            {
                return (await repository.CreatePortAsync(new NewPort(network, "p", $"server-{i}", null))).FixedIps[0].IpAddress;
            }
            catch (PoolExhaustedException)
            {
                return null;
            }
        });
        var addresses = await Task.WhenAll(attempts);

        var given = addresses.OfType<string>().ToList();
        Assert.Equal(29, given.Count);
        Assert.Equal(29, given.Distinct().Count());
        Assert.DoesNotContain("10.20.30.1", given);
        Assert.All(given, address => Assert.True(subnet.Range.Contains(Ipv4Cidr.TryParseAddress(address, out var a) ? a : 0)));
        Assert.Equal(11, addresses.Count(a => a is null));
    }

    [Fact]
    public async Task ReleasingAServer_FreesItsAddresses_ForTheNextPort()
    {
        var repository = await RepositoryAsync();
        var (network, subnet) = NetworkOn("10.20.31.0/29"); // .1 gateway, .2 - .6 hosts
        await repository.CreateNetworkAsync(network, subnet);
        for (var i = 0; i < 5; i++)
        {
            await repository.CreatePortAsync(new NewPort(network, "p", $"server-{i}", null));
        }

        var exhausted = await Assert.ThrowsAsync<PoolExhaustedException>(() => repository.CreatePortAsync(new NewPort(network, "p", "late", null)));
        Assert.Equal($"No fixed IP addresses available for network: {network.Id}", exhausted.Message);

        var released = await repository.ReleaseDeviceAsync("server-2");
        var freed = Assert.Single(released).FixedIps[0].IpAddress;
        Assert.Empty(await repository.PortsOfDeviceAsync("server-2"));
        Assert.False(await repository.AddressInUseAsync(freed));

        var next = await repository.CreatePortAsync(new NewPort(network, "p", "late", null));
        Assert.Equal(freed, next.FixedIps[0].IpAddress);
    }

    [Fact]
    public async Task AFixedAddress_IsGivenOnce_AndMustLieInTheSubnet()
    {
        var repository = await RepositoryAsync();
        var (network, subnet) = NetworkOn("10.20.32.0/24", "net", new AllocationPool("10.20.32.100", "10.20.32.110"));
        await repository.CreateNetworkAsync(network, subnet);

        var port = await repository.CreatePortAsync(new NewPort(network, "p", "a", "10.20.32.7"));
        Assert.Equal("10.20.32.7", port.FixedIps[0].IpAddress);
        Assert.Equal(subnet.Id, port.FixedIps[0].SubnetId);
        Assert.Matches("^fa:16:3e(:[0-9a-f]{2}){3}$", port.MacAddress);

        var taken = await Assert.ThrowsAsync<AddressInUseException>(() => repository.CreatePortAsync(new NewPort(network, "p", "b", "10.20.32.7")));
        Assert.Equal("Fixed IP address 10.20.32.7 is already in use.", taken.Message);
        await Assert.ThrowsAsync<AddressInUseException>(() => repository.CreatePortAsync(new NewPort(network, "p", "b", "10.20.32.1")));
        var outside = await Assert.ThrowsAsync<InvalidRequestException>(() => repository.CreatePortAsync(new NewPort(network, "p", "b", "10.20.33.7")));
        Assert.Equal("IP address 10.20.33.7 is not a valid IP for the specified subnet.", outside.Message);

        // Without a fixed address the pool decides: its first address.
        Assert.Equal("10.20.32.100", (await repository.CreatePortAsync(new NewPort(network, "p", "c", null))).FixedIps[0].IpAddress);
    }

    [Fact]
    public async Task OverlappingSubnets_AreRefused()
    {
        var repository = await RepositoryAsync();
        var (first, firstSubnet) = NetworkOn("10.40.0.0/16");
        await repository.CreateNetworkAsync(first, firstSubnet);
        var (second, secondSubnet) = NetworkOn("10.40.7.0/24", "other");

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => repository.CreateNetworkAsync(second, secondSubnet));
        Assert.Equal($"Invalid input for operation: Requested subnet with cidr: 10.40.7.0/24 for network: {second.Id} overlaps with another subnet.", refused.Message);
        Assert.Single(await repository.NetworksAsync());
    }

    public void Dispose() => _store.Dispose();
}
