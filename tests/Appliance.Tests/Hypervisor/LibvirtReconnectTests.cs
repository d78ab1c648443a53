using Appliance.Hypervisor;
using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Host;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Hypervisor;

/// <summary>libvirt going away and coming back: operations fail as operations, and the host reconnects on its own.</summary>
[Collection(LibvirtCollection.Name)]
public sealed class LibvirtReconnectTests
{
    private const string DaemonSocket = "/run/libvirt/libvirt-sock";

    [SkippableFact]
    public async Task Driver_WhenLibvirtDoesNotAnswer_FailsWithAnOperationError_WhichEveryServiceHandles()
    {
        LibvirtAvailability.RequireLibrary();
        using var dir = new TempDataDir();
        using var host = new LibvirtHost($"test+unix:///default?socket={dir.Path}/no-such-socket");
        var driver = new LibvirtComputeDriver(host, new HypervisorPaths(dir.Path), HostFacts.Tcg);

        var error = await Assert.ThrowsAsync<HypervisorOperationException>(() => driver.PowerOffAsync(Guid.NewGuid()));
        Assert.IsType<HypervisorUnavailableException>(error.InnerException);
    }

    /// <summary>
    /// A host whose libvirt did not answer connects by itself once it does, says so, and gets lifecycle events again; the
    /// daemon's socket appears through a symlink, as it does when libvirtd comes back.
    /// </summary>
    [SkippableFact]
    public async Task Host_WhoseLibvirtWasAway_ConnectsOnItsOwnWhenItAnswers_AndLifecycleEventsArriveAgain()
    {
        LibvirtAvailability.RequireLibrary();
        Skip.IfNot(File.Exists(DaemonSocket), $"libvirtd is not running ({DaemonSocket} is missing)");
        using var dir = new TempDataDir();
        var socket = Path.Combine(dir.Path, "libvirt-sock");
        using var host = new LibvirtHost($"test+unix:///default?socket={socket}");
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Reconnected += () => reconnected.TrySetResult();
        Assert.Throws<HypervisorUnavailableException>(() => host.Describe());

        File.CreateSymbolicLink(socket, DaemonSocket);
        await reconnected.Task.WaitAsync(LibvirtHost.ReconnectInterval * 10);

        var (uuid, _, xml) = TestDomainXml.Unique();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.LifecycleChanged += e =>
        {
            if (e.InstanceUuid == uuid && e.Transition == LifecycleTransition.Started)
            {
                started.TrySetResult();
            }
        };
        using var other = new LibvirtHost($"test+unix:///default?socket={DaemonSocket}");
        using var guest = other.Define(xml);
        try
        {
            guest.Create();
            await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            guest.Destroy();
            guest.Undefine();
        }
    }
}
