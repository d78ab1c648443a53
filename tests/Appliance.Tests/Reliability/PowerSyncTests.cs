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
/// shows SHUTOFF within one PowerSyncInterval (1 s here). GuestFaultTests measures the event path on real QEMU.
/// </summary>
public sealed class PowerSyncTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ServerApiSession _session = new()
    {
        ConfigureServices = services => services.AddSingleton(provider => EventlessDriver.Wrap(new LibvirtComputeDriver(
            provider.GetRequiredService<LibvirtHost>(), new HypervisorPaths(provider.GetRequiredService<ApplianceOptions>().DataDir), provider.GetRequiredService<HostProfile>().Facts))),
    };

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task GuestStoppedBehindTheAppliance_WithoutAnEvent_ShowsShutoffWithinTheSyncInterval()
    {
        var id = await _session.CreateServerAsync("stopped-unannounced");
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        var behindItsBack = new LibvirtComputeDriver(_session.Factory.Services.GetRequiredService<LibvirtHost>(),
            new HypervisorPaths(_session.Factory.DataDir), _session.Factory.Services.GetRequiredService<HostProfile>().Facts);

        await behindItsBack.PowerOffAsync(Guid.Parse(id));
        var watch = Stopwatch.StartNew();
        await _session.WaitForStatusAsync(id, ["SHUTOFF"], TimeSpan.FromSeconds(10));

        var interval = _session.Factory.Services.GetRequiredService<ApplianceOptions>().Servers.PowerSyncInterval;
        output.WriteLine($"SHUTOFF {watch.ElapsedMilliseconds} ms after the stop, by the sync alone (every {interval.TotalSeconds:F0} s)");
        // One interval, plus room for a busy CI box to run the tick.
        Assert.True(watch.Elapsed < interval + TimeSpan.FromSeconds(3), $"SHUTOFF after {watch.Elapsed}");
    }
}
