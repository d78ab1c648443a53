using Appliance.Hypervisor;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Interop;
using Appliance.Hypervisor.Networking;

namespace Appliance.Tests.Hypervisor;

/// <summary>The network driver against libvirt's test driver: real libvirt network code, no bridge on the host.</summary>
[Collection(LibvirtCollection.Name)]
public sealed class LibvirtNetworkDriverTests
{
    private static readonly DhcpHost Web = new("fa:16:3e:00:00:01", "10.251.0.11", "web-1");
    private static readonly DhcpHost Db = new("fa:16:3e:00:00:02", "10.251.0.12", "db-1");

    [SkippableFact]
    public async Task Ensure_DefinesStartsAndAutostartsTheNetwork_AsTheSpecSays()
    {
        using var fixture = NetworkFixture.OnTestDriver();
        var spec = fixture.Spec();

        await fixture.Driver.EnsureAsync(spec);

        Assert.True(fixture.Driver.IsActive(spec.Name));
        Assert.Equal(spec.Bridge, fixture.Driver.BridgeOf(spec.Name));
        Assert.Contains(spec.Name, fixture.Driver.ListNetworks(NetworkFixture.Prefix));
        Assert.Empty(fixture.Driver.DhcpHosts(spec.Name));
        using var network = fixture.Host.FindNetwork(spec.Name)!;
        Assert.True(network.Autostart);
        var xml = network.XmlDesc();
        Assert.Equal(NetworkXmlReader.Shape(NetworkDesigner.ToXml(spec, [])), NetworkXmlReader.Shape(xml));
        Assert.Contains("<mtu size='1450'/>", xml);
        Assert.Contains("<domain name='appliance.test' localOnly='yes'/>", xml);
    }

    [SkippableFact]
    public async Task SecondEnsure_OfTheSameSpec_LeavesTheNetworkAsItIs()
    {
        using var fixture = NetworkFixture.OnTestDriver();
        var spec = fixture.Spec();
        await fixture.Driver.EnsureAsync(spec);
        await fixture.Driver.AddDhcpHostAsync(spec.Name, Web);
        string before;
        using (var network = fixture.Host.FindNetwork(spec.Name)!)
        {
            before = network.PersistentXmlDesc();
        }

        Assert.False(LibvirtNetworkDriver.NeedsRedefinition(spec, before));
        await fixture.Driver.EnsureAsync(spec);

        using var after = fixture.Host.FindNetwork(spec.Name)!;
        Assert.Equal(before, after.PersistentXmlDesc());
        Assert.True(after.IsActive);
    }

    [SkippableFact]
    public async Task ChangedSpec_RedefinesTheNetwork_KeepingItsUuidAndDhcpHosts()
    {
        using var fixture = NetworkFixture.OnTestDriver();
        var spec = fixture.Spec();
        await fixture.Driver.EnsureAsync(spec);
        await fixture.Driver.AddDhcpHostAsync(spec.Name, Web);
        string uuid;
        using (var network = fixture.Host.FindNetwork(spec.Name)!)
        {
            uuid = NetworkXmlReader.Identity(network.XmlDesc()).Uuid;
            // The test driver never lets a redefinition of a running network take effect, even at its next start (the
            // bridge driver does): the network is stopped first, as after a host reboot.
            network.Destroy();
        }

        var changed = spec with { Mtu = 9000, Mode = VirtualNetworkMode.Isolated };
        using (var network = fixture.Host.FindNetwork(spec.Name)!)
        {
            Assert.True(LibvirtNetworkDriver.NeedsRedefinition(changed, network.PersistentXmlDesc()));
        }

        await fixture.Driver.EnsureAsync(changed);

        Assert.True(fixture.Driver.IsActive(spec.Name));
        Assert.Equal([Web], fixture.Driver.DhcpHosts(spec.Name));
        using var redefined = fixture.Host.FindNetwork(spec.Name)!;
        var xml = redefined.XmlDesc();
        Assert.Equal(uuid, NetworkXmlReader.Identity(xml).Uuid);
        Assert.Equal(NetworkXmlReader.Shape(NetworkDesigner.ToXml(changed, [])), NetworkXmlReader.Shape(xml));
        Assert.DoesNotContain("<forward", xml);
    }

    [SkippableFact]
    public async Task NewSubnet_DropsTheDhcpHostsOutsideIt_AndNoDhcpDropsThemAll()
    {
        using var fixture = NetworkFixture.OnTestDriver();
        var spec = fixture.Spec();
        await fixture.Driver.EnsureAsync(spec);
        await fixture.Driver.AddDhcpHostAsync(spec.Name, Web);
        using (var network = fixture.Host.FindNetwork(spec.Name)!)
        {
            var xml = network.PersistentXmlDesc();
            Assert.True(LibvirtNetworkDriver.NeedsRedefinition(spec with { GatewayIp = "10.252.0.1" }, xml));
            Assert.True(LibvirtNetworkDriver.NeedsRedefinition(spec with { Dhcp = false }, xml));
            network.Destroy();
        }

        await fixture.Driver.EnsureAsync(spec with { GatewayIp = "10.252.0.1" });
        Assert.Empty(fixture.Driver.DhcpHosts(spec.Name));
    }

    [SkippableFact]
    public async Task DhcpHosts_AddAndRemove_AreIdempotent_LiveAndPersistent()
    {
        using var fixture = NetworkFixture.OnTestDriver();
        var spec = fixture.Spec();
        await fixture.Driver.EnsureAsync(spec);

        await fixture.Driver.AddDhcpHostAsync(spec.Name, Web);
        await fixture.Driver.AddDhcpHostAsync(spec.Name, Web);
        await fixture.Driver.AddDhcpHostAsync(spec.Name, Db with { Mac = Db.Mac.ToUpperInvariant() });
        Assert.Equal([Web, Db], fixture.Driver.DhcpHosts(spec.Name));

        // Same MAC, new address: the entry is replaced, not doubled.
        var moved = Web with { Ip = "10.251.0.21" };
        await fixture.Driver.AddDhcpHostAsync(spec.Name, moved);
        Assert.Equal([Db, moved], fixture.Driver.DhcpHosts(spec.Name));

        await fixture.Driver.RemoveDhcpHostAsync(spec.Name, Db.Mac.ToUpperInvariant());
        await fixture.Driver.RemoveDhcpHostAsync(spec.Name, Db.Mac);
        Assert.Equal([moved], fixture.Driver.DhcpHosts(spec.Name));
        using var network = fixture.Host.FindNetwork(spec.Name)!;
        Assert.Equal([moved], NetworkXmlReader.DhcpHosts(network.PersistentXmlDesc()));
    }

    [SkippableFact]
    public async Task DhcpHosts_OfAStoppedNetwork_ChangeItsDefinition()
    {
        using var fixture = NetworkFixture.OnTestDriver();
        var spec = fixture.Spec();
        await fixture.Driver.EnsureAsync(spec);
        using (var network = fixture.Host.FindNetwork(spec.Name)!)
        {
            network.Destroy();
        }

        await fixture.Driver.AddDhcpHostAsync(spec.Name, Web);
        Assert.Equal([Web], fixture.Driver.DhcpHosts(spec.Name));
        await fixture.Driver.RemoveDhcpHostAsync(spec.Name, Web.Mac);
        Assert.Empty(fixture.Driver.DhcpHosts(spec.Name));
    }

    [SkippableFact]
    public async Task ASecondHostOfTheSameName_IsRefusedByLibvirt_AsADriverError()
    {
        using var fixture = NetworkFixture.OnTestDriver();
        var spec = fixture.Spec();
        await fixture.Driver.EnsureAsync(spec);
        await fixture.Driver.AddDhcpHostAsync(spec.Name, Web);
        var error = await Assert.ThrowsAsync<HypervisorOperationException>(
            () => fixture.Driver.AddDhcpHostAsync(spec.Name, Db with { Name = Web.Name }));
        Assert.IsType<LibvirtException>(error.InnerException);
    }

    [SkippableFact]
    public async Task VirNetworkUpdate_TakesTheCommandBeforeTheSection()
    {
        using var fixture = NetworkFixture.OnTestDriver();
        var spec = fixture.Spec();
        await fixture.Driver.EnsureAsync(spec);
        using var handle = Libvirt.virNetworkLookupByName(fixture.Host.Connection(), spec.Name);
        handle.Track();
        const uint flags = Libvirt.VIR_NETWORK_UPDATE_AFFECT_LIVE | Libvirt.VIR_NETWORK_UPDATE_AFFECT_CONFIG;

        // Swapped, the section would be 3 (ip) and the command 4 (add-first): libvirt refuses that.
        var swapped = Libvirt.virNetworkUpdate(
            handle, Libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, Libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST, -1, NetworkDesigner.HostXml(Web), flags);
        Assert.True(swapped < 0);
        Libvirt.virResetLastError();

        Assert.Equal(0, Libvirt.virNetworkUpdate(
            handle, Libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST, Libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, -1, NetworkDesigner.HostXml(Web), flags));
        Assert.Equal([Web], fixture.Driver.DhcpHosts(spec.Name));
    }

    [SkippableFact]
    public async Task Remove_StopsAndUndefines_AndAMissingNetworkIsNoError()
    {
        using var fixture = NetworkFixture.OnTestDriver();
        var spec = fixture.Spec();
        await fixture.Driver.EnsureAsync(spec);

        await fixture.Driver.RemoveAsync(spec.Name);
        await fixture.Driver.RemoveAsync(spec.Name);

        Assert.False(fixture.Driver.IsActive(spec.Name));
        Assert.Null(fixture.Driver.BridgeOf(spec.Name));
        Assert.Empty(fixture.Driver.DhcpHosts(spec.Name));
        Assert.DoesNotContain(spec.Name, fixture.Driver.ListNetworks(NetworkFixture.Prefix));
        await fixture.Driver.RemoveDhcpHostAsync(spec.Name, Web.Mac);
        await Assert.ThrowsAsync<HypervisorOperationException>(() => fixture.Driver.AddDhcpHostAsync(spec.Name, Web));
    }

    [SkippableFact]
    public async Task ListNetworks_GivesOnlyTheNamesWithThePrefix_AndReleasesEveryHandle()
    {
        var before = LibvirtNetworkHandle.Live;
        using (var fixture = NetworkFixture.OnTestDriver())
        {
            var first = fixture.Spec();
            var second = fixture.Spec();
            await fixture.Driver.EnsureAsync(first);
            await fixture.Driver.EnsureAsync(second);
            Assert.Equal(new[] { first.Name, second.Name }.Order(StringComparer.Ordinal), fixture.Driver.ListNetworks(NetworkFixture.Prefix)
                .Where(n => n == first.Name || n == second.Name));
            // test:///default's own network.
            Assert.DoesNotContain("default", fixture.Driver.ListNetworks(NetworkFixture.Prefix));
        }

        Assert.Equal(before, LibvirtNetworkHandle.Live);
    }
}
