using System.Net;
using Appliance.Core.Networks;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Networking;
using Appliance.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Networks;

/// <summary>
/// A port's DHCP entry goes before its address is free. libvirt refuses a second entry for one address, and a new server
/// gets the lowest free address: an address freed while its old entry stays (a removal that failed, or one still under
/// way) would fail the build of every server that gets it. On the test driver (real libvirt code, networks in memory),
/// with the entry's removal made to fail once.
/// </summary>
public sealed class DhcpReleaseOrderTests : IAsyncLifetime
{
    private readonly ServerApiSession _session = new() { ConfigureServices = FlakyDhcpRemoval.Replace };

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private FlakyDhcpRemoval Driver => (FlakyDhcpRemoval)_session.Factory.Services.GetRequiredService<INetworkDriver>();

    [Fact]
    public async Task Delete_WhoseDhcpEntryWasNotRemoved_KeepsTheAddress_AndTheNextDeleteFreesBoth_SoTheAddressBuildsAgain()
    {
        var network = (await _session.Factory.Services.GetRequiredService<NetworkRepository>().NetworksAsync()).Single(n => n.Name == "private");
        var first = await _session.CreateServerAsync("first");
        var address = AddressOf(await _session.WaitForStatusAsync(first, ["ACTIVE"]));

        Driver.FailNextRemoval();
        await DeleteAsync(first);
        var failed = await _session.WaitForStatusAsync(first, ["ERROR"]);
        Assert.Equal([address], Addresses(failed));
        Assert.Contains(Driver.DhcpHosts(network.LibvirtName!), host => host.Ip == address);

        await DeleteAsync(first);
        var (gone, _, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{first}", token: _session.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, gone);
        Assert.DoesNotContain(Driver.DhcpHosts(network.LibvirtName!), host => host.Ip == address);

        var second = await _session.CreateServerAsync("second");
        var built = await _session.WaitForStatusAsync(second, ["ACTIVE", "ERROR"]);
        Assert.True(built.GetProperty("status").GetString() == "ACTIVE", built.ToString());
        Assert.Equal(address, AddressOf(built));
        await DeleteAsync(second);
    }

    private async Task DeleteAsync(string id)
    {
        var (status, body, _) = await _session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}", token: _session.AdminToken);
        Assert.True(status == HttpStatusCode.NoContent, body);
        await _session.Runner.WhenIdleAsync();
    }

    private static string AddressOf(System.Text.Json.JsonElement server) => Assert.Single(Addresses(server));

    private static IEnumerable<string> Addresses(System.Text.Json.JsonElement server) =>
        server.GetProperty("addresses").EnumerateObject().SelectMany(n => n.Value.EnumerateArray()).Select(a => a.GetProperty("addr").GetString()!);

    /// <summary>The appliance's network driver, whose next DHCP entry removal fails when told (libvirt away for a moment).</summary>
    private sealed class FlakyDhcpRemoval(INetworkDriver inner) : INetworkDriver
    {
        private int _failNext;

        public static void Replace(IServiceCollection services)
        {
            var registered = services.Last(d => d.ServiceType == typeof(INetworkDriver));
            services.AddSingleton<INetworkDriver>(provider => new FlakyDhcpRemoval((INetworkDriver)registered.ImplementationFactory!(provider)));
        }

        public void FailNextRemoval() => Volatile.Write(ref _failNext, 1);

        public Task EnsureLoopbackAddressAsync(string address, CancellationToken cancellationToken = default) =>
            inner.EnsureLoopbackAddressAsync(address, cancellationToken);

        public Task RemoveDhcpHostAsync(string networkName, string mac, CancellationToken cancellationToken = default) =>
            Interlocked.Exchange(ref _failNext, 0) == 1
                ? throw new HypervisorOperationException($"libvirt did not answer removing {mac} from {networkName}")
                : inner.RemoveDhcpHostAsync(networkName, mac, cancellationToken);

        public Task EnsureAsync(VirtualNetworkSpec spec, CancellationToken cancellationToken = default) => inner.EnsureAsync(spec, cancellationToken);

        public bool IsActive(string networkName) => inner.IsActive(networkName);

        public string? BridgeOf(string networkName) => inner.BridgeOf(networkName);

        public IReadOnlyList<DhcpHost> DhcpHosts(string networkName) => inner.DhcpHosts(networkName);

        public Task AddDhcpHostAsync(string networkName, DhcpHost host, CancellationToken cancellationToken = default) =>
            inner.AddDhcpHostAsync(networkName, host, cancellationToken);

        public Task RemoveAsync(string networkName, CancellationToken cancellationToken = default) => inner.RemoveAsync(networkName, cancellationToken);

        public IReadOnlyList<string> ListNetworks(string prefix) => inner.ListNetworks(prefix);
    }
}
