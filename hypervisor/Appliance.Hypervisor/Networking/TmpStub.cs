namespace Appliance.Hypervisor.Networking
{
    public sealed class LibvirtNetworkDriver(Appliance.Hypervisor.Host.LibvirtHost host) : INetworkDriver
    {
        private readonly Appliance.Hypervisor.Host.LibvirtHost _h = host;
        public Task EnsureAsync(VirtualNetworkSpec spec, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public bool IsActive(string networkName) => false;
        public string? BridgeOf(string networkName) => null;
        public IReadOnlyList<DhcpHost> DhcpHosts(string networkName) => [];
        public Task AddDhcpHostAsync(string networkName, DhcpHost host, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task RemoveDhcpHostAsync(string networkName, string mac, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task RemoveAsync(string networkName, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public IReadOnlyList<string> ListNetworks(string prefix) => [];
    }
}
namespace Appliance.Hypervisor.ConfigDrive
{
    public static class NetworkDataJson
    {
        public static System.Text.Json.Nodes.JsonObject For(IReadOnlyList<Appliance.Hypervisor.Networking.NetworkDataPort> ports) => [];
    }
}
