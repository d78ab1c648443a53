using System.Diagnostics;
using Appliance.Core.Configuration;
using Appliance.Core.HostChecks;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Host;
using Appliance.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Appliance.Tests.Reliability;

/// <summary>
/// The power sync on its own: with libvirt's lifecycle events cut off, a guest stopped behind the appliance's back still
/// comes to show SHUTOFF, which only the periodic sync (every PowerSyncInterval, 1 s here) can have told it. How long that
/// took is printed, not asserted: it depends on the machine as much as on the interval. GuestFaultTests covers the event
/// path on real QEMU.
/// </summary>
public sealed class PowerSyncTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ServerApiSession _session = new() { ConfigureServices = EventlessDriver.Replace };

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task GuestStoppedBehindTheAppliance_WithoutAnEvent_ShowsShutoffByThePeriodicSync()
    {
        var id = await _session.CreateServerAsync("stopped-unannounced");
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        var behindItsBack = new LibvirtComputeDriver(_session.Factory.Services.GetRequiredService<LibvirtHost>(),
            new HypervisorPaths(_session.Factory.DataDir), _session.Factory.Services.GetRequiredService<HostProfile>().Facts);

        await behindItsBack.PowerOffAsync(Guid.Parse(id));
        var watch = Stopwatch.StartNew();
        var server = await _session.WaitForStatusAsync(id, ["SHUTOFF"]);

        var interval = _session.Factory.Services.GetRequiredService<ApplianceOptions>().Servers.PowerSyncInterval;
        output.WriteLine($"SHUTOFF {watch.ElapsedMilliseconds} ms after the stop, by the sync alone (every {interval.TotalSeconds:F0} s)");
        Assert.Equal(("stopped", 4), (server.GetProperty("OS-EXT-STS:vm_state").GetString(), server.GetProperty("OS-EXT-STS:power_state").GetInt32()));
    }
}
