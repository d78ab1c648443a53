using Appliance.Hypervisor.Host;
using Appliance.Hypervisor.Networking;

namespace Appliance.Tests.Hypervisor;

/// <summary>A network driver on its own connection to libvirt's test driver; the networks it was asked for are removed after.</summary>
internal sealed class NetworkFixture : IDisposable
{
    /// <summary>The names of the tests' networks start with it.</summary>
    public const string Prefix = "appliance-test-net-";

    private readonly List<string> _names = [];

    private NetworkFixture()
    {
        Host = new LibvirtHost(LibvirtAvailability.TestUri);
        Driver = new LibvirtNetworkDriver(Host);
    }

    /// <summary>Only ever test:///default: a network on qemu:///system would make a real bridge on this host.</summary>
    public static NetworkFixture OnTestDriver()
    {
        LibvirtAvailability.RequireLibrary();
        return new NetworkFixture();
    }

    public LibvirtHost Host { get; }

    public LibvirtNetworkDriver Driver { get; }

    /// <summary>A NAT network with a name and bridge no other test uses, a DNS domain and the metadata address.</summary>
    public VirtualNetworkSpec Spec()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var name = $"{Prefix}{id}";
        _names.Add(name);
        return new VirtualNetworkSpec
        {
            Name = name,
            Bridge = $"aplt{id}",
            Mode = VirtualNetworkMode.Nat,
            GatewayIp = "10.251.0.1",
            PrefixLength = 24,
            Mtu = 1450,
            DnsDomain = "appliance.test",
            ExtraAddresses = [("169.254.169.254", 32)],
        };
    }

    public void Dispose()
    {
        foreach (var name in _names)
        {
            Driver.RemoveAsync(name).GetAwaiter().GetResult();
        }

        Host.Dispose();
    }
}
