using Appliance.Core;
using Appliance.Core.Networks;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Networks;

/// <summary>User networks and their forwards on a real SQLite file: one host port per forward, however the writers race, freed with the port.</summary>
public sealed class UserModeForwardTests : IDisposable
{
    private const int First = 20000;
    private const int Last = 20009;

    private readonly TempStore _store = new();

    private static bool AllFree(string address, int port) => true;

    private async Task<(NetworkRepository Repository, NetworkRecord Network)> UserNetworkAsync(params int[] guestPorts)
    {
        var repository = new NetworkRepository(await _store.MigratedAsync());
        var created = await new UserNetworks(repository).CreateAsync(new NewUserNetwork("sandbox", "p") { ForwardPorts = guestPorts });
        return (repository, (await repository.FindNetworkAsync(created.Id))!);
    }

    [Fact]
    public async Task CreateUser_StoresTheKind_TheLoopbackForwardAddress_AndSlirpsSubnet()
    {
        var (repository, network) = await UserNetworkAsync(80, 22, 22);

        Assert.Equal(NetworkKinds.User, network.Kind);
        Assert.Equal("127.0.0.1", network.ForwardAddress);
        Assert.Equal([22, 80], network.ForwardPorts);
        Assert.Equal("", network.Bridge);
        var subnet = Assert.Single(await repository.SubnetsAsync(network.Id));
        Assert.Equal(("10.0.2.0/24", "10.0.2.2", true), (subnet.Cidr, subnet.GatewayIp, subnet.EnableDhcp));
        Assert.Equal(["10.0.2.3"], subnet.DnsNameservers);
        Assert.Equal(new AllocationPool("10.0.2.15", "10.0.2.254"), Assert.Single(subnet.AllocationPools));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("::1")]
    public async Task CreateUser_RefusesAForwardAddressThatIsNotIpv4(string address)
    {
        var repository = new NetworkRepository(await _store.MigratedAsync());
        await Assert.ThrowsAsync<InvalidRequestException>(() => new UserNetworks(repository).CreateAsync(new NewUserNetwork("u", "p") { ForwardAddress = address }));
    }

    [Fact]
    public async Task ParallelPorts_NeverShareAHostPort_AndTheLastFindTheRangeEmpty()
    {
        var (repository, network) = await UserNetworkAsync(22, 80); // two forwards a port: 10 host ports serve 5 ports
        var ports = await Task.WhenAll(Enumerable.Range(0, 7).Select(i => repository.CreatePortAsync(new NewPort(network, "p", $"server-{i}", null))));

        var attempts = await Task.WhenAll(ports.Select(async port =>
        {
            try
            {
                return await repository.EnsureForwardsAsync(port, network, First, Last, AllFree);
            }
            catch (PoolExhaustedException)
            {
                return null;
            }
        }));

        var given = attempts.OfType<IReadOnlyList<PortForwardRecord>>().ToList();
        Assert.Equal(5, given.Count);
        Assert.All(given, forwards => Assert.Equal([22, 80], forwards.Select(f => f.GuestPort)));
        Assert.Equal(Enumerable.Range(First, 10), given.SelectMany(f => f).Select(f => f.HostPort).Order());
        Assert.All(given.SelectMany(f => f), f => Assert.Equal(("127.0.0.1", "tcp"), (f.HostAddress, f.Protocol)));
    }

    [Fact]
    public async Task Forwards_AreFoundAgain_NotTakenAgain_AndSkipPortsTheHostHolds()
    {
        var (repository, network) = await UserNetworkAsync(22);
        var port = await repository.CreatePortAsync(new NewPort(network, "p", "server-1", null));

        var first = await repository.EnsureForwardsAsync(port, network, First, Last, (_, hostPort) => hostPort != First);
        var again = await repository.EnsureForwardsAsync(port, network, First, Last, AllFree);

        Assert.Equal(First + 1, Assert.Single(first).HostPort);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task ReleasingTheServer_FreesItsForwards_AndTheAddressesShowThemUntilThen()
    {
        var (repository, network) = await UserNetworkAsync(22);
        var port = await repository.CreatePortAsync(new NewPort(network, "p", "server-1", null));
        var forward = Assert.Single(await repository.EnsureForwardsAsync(port, network, First, Last, AllFree));
        await using (var connection = await (await _store.MigratedAsync()).OpenAsync())
        {
            var address = Assert.Single((await NetworkRepository.AddressesAsync(connection, ["server-1"]))["server-1"]);
            Assert.Equal(("sandbox", "10.0.2.15"), (address.NetworkName, address.Address));
            Assert.Equal("127.0.0.1:20000 → 22/tcp", Assert.Single(address.Forwards).ToString());
        }

        await repository.ReleaseDeviceAsync("server-1");

        Assert.Empty(await repository.ForwardsOfPortAsync(port.Id));
        var next = await repository.CreatePortAsync(new NewPort(network, "p", "server-2", null));
        Assert.Equal(forward.HostPort, Assert.Single(await repository.EnsureForwardsAsync(next, network, First, Last, AllFree)).HostPort);
    }

    [Fact]
    public void TheHostProbe_SeesAPortSomeoneListensOn()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            Assert.False(ForwardPortPicker.IsFreeOnHost("127.0.0.1", port));
            Assert.Equal(port + 1, ForwardPortPicker.Pick(new HashSet<int>(), port, port + 1, "127.0.0.1", (a, p) => p != port && ForwardPortPicker.IsFreeOnHost(a, p)));
        }
        finally
        {
            listener.Stop();
        }
    }

    public void Dispose() => _store.Dispose();
}
