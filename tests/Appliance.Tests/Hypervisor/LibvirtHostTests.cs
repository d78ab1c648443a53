using Appliance.Hypervisor;
using Appliance.Hypervisor.Host;
using Appliance.Hypervisor.Interop;

namespace Appliance.Tests.Hypervisor;

[Collection(LibvirtCollection.Name)]
public sealed class LibvirtHostTests
{
    [SkippableFact]
    public void DefineStartPauseResumeDestroyUndefine_WalksPowerStates()
    {
        LibvirtAvailability.RequireLibrary();
        using var host = new LibvirtHost(LibvirtAvailability.TestUri);
        var (uuid, name, xml) = TestDomainXml.Unique();

        using (var guest = host.Define(xml))
        {
            Assert.Equal(uuid, guest.Uuid);
            Assert.Equal(name, guest.Name);
            Assert.Equal(PowerState.Shutdown, guest.PowerState);
            guest.Create();
            Assert.Equal(PowerState.Running, guest.PowerState);
            guest.Suspend();
            Assert.Equal(PowerState.Paused, guest.PowerState);
            guest.Resume();
            Assert.Contains($"<uuid>{uuid}</uuid>", guest.XmlDesc());
            guest.Destroy();
            guest.Undefine();
        }

        Assert.Null(host.Find(uuid));
    }

    [SkippableFact]
    public void FailedCall_CarriesLibvirtsErrorCode()
    {
        LibvirtAvailability.RequireLibrary();
        using var host = new LibvirtHost(LibvirtAvailability.TestUri);
        var (_, _, xml) = TestDomainXml.Unique();
        using var guest = host.Define(xml);
        try
        {
            // Destroying a domain that is not running is an invalid operation in libvirt.
            var error = Assert.Throws<LibvirtException>(guest.Destroy);
            Assert.Equal("virDomainDestroy", error.Operation);
            Assert.Equal(Libvirt.VIR_ERR_OPERATION_INVALID, error.Code);
        }
        finally
        {
            guest.Undefine();
        }
    }

    [SkippableFact]
    public void ListAll_FindsDefinedGuest_AndReleasesEveryHandle()
    {
        LibvirtAvailability.RequireLibrary();
        var domainsBefore = LibvirtDomainHandle.Live;
        var connectionsBefore = LibvirtConnectionHandle.Live;
        using (var host = new LibvirtHost(LibvirtAvailability.TestUri))
        {
            var (uuid, _, xml) = TestDomainXml.Unique();
            host.Define(xml).Dispose();
            var guests = host.ListAll();
            Assert.Contains(guests, g => g.Uuid == uuid);
            Assert.True(LibvirtDomainHandle.Live >= domainsBefore + guests.Count);
            guests.ForEach(g => g.Dispose());
            using var found = host.Find(uuid)!;
            found.Undefine();
        }

        Assert.Equal(domainsBefore, LibvirtDomainHandle.Live);
        Assert.Equal(connectionsBefore, LibvirtConnectionHandle.Live);
    }

    [SkippableFact]
    public async Task LifecycleEvents_ArriveForStartAndStop()
    {
        LibvirtAvailability.RequireLibrary();
        using var host = new LibvirtHost(LibvirtAvailability.TestUri);
        var (uuid, _, xml) = TestDomainXml.Unique();
        var seen = new List<LifecycleTransition>();
        var stopped = new TaskCompletionSource();
        host.LifecycleChanged += e =>
        {
            if (e.InstanceUuid != uuid)
            {
                return;
            }

            lock (seen)
            {
                seen.Add(e.Transition);
            }

            if (e.Transition == LifecycleTransition.Stopped)
            {
                stopped.TrySetResult();
            }
        };

        using var guest = host.Define(xml);
        guest.Create();
        guest.Destroy();
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(10));
        guest.Undefine();
        lock (seen)
        {
            Assert.Equal([LifecycleTransition.Defined, LifecycleTransition.Started, LifecycleTransition.Stopped], seen.Take(3));
        }
    }

    [SkippableFact]
    public void NodeInfoAndCapabilities_DescribeTheHost()
    {
        LibvirtAvailability.RequireLibrary();
        using var host = new LibvirtHost(LibvirtAvailability.TestUri);
        var node = host.NodeInfo();
        Assert.True(node.Cpus > 0);
        Assert.True(node.MemoryMiB > 0);
        Assert.Contains("<capabilities>", host.Capabilities());
    }
}
