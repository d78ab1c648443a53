using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Host;

namespace Appliance.Benchmarks.Reliability;

/// <summary>
/// The domains libvirt holds, seen over the harness's own connection. The crash harness points the appliance at
/// test+unix:///default: libvirt's test driver then lives in libvirtd, whose default state is shared by every connection and
/// kept while one stays open. This connection keeps the appliance's (fake) guests alive across its kills, as a real host's
/// guests outlive the appliance, and lets the harness list them. Domains present before the run are not the run's.
/// </summary>
public sealed class HostDomains : IDisposable
{
    /// <summary>libvirt's test driver, hosted by libvirtd: one fake host for every process that connects.</summary>
    public const string SharedTestUri = "test+unix:///default";

    private readonly LibvirtHost _host;
    private readonly LibvirtComputeDriver _driver;
    private readonly HashSet<Guid> _before;

    private HostDomains(LibvirtHost host, string scratchDir)
    {
        _host = host;
        _driver = new LibvirtComputeDriver(host, new HypervisorPaths(scratchDir), new HostFacts(HasKvm: false));
        _before = _driver.ListGuests().Select(guest => guest.Uuid).ToHashSet();
    }

    public string Uri => _host.Uri;

    /// <summary>Connects to the shared test host, or says why it cannot (no libvirtd answering, e.g. not root).</summary>
    public static HostDomains? TryOpen(string scratchDir, out string? why)
    {
        var host = new LibvirtHost(SharedTestUri);
        try
        {
            var domains = new HostDomains(host, scratchDir);
            why = null;
            return domains;
        }
        catch (Exception e)
        {
            host.Dispose();
            why = $"{SharedTestUri} does not answer ({e.Message}): libvirtd is not running here";
            return null;
        }
    }

    /// <summary>Every domain made since the harness connected, with its power state.</summary>
    public IReadOnlyList<GuestStatus> Made() => _driver.ListGuests().Where(guest => !_before.Contains(guest.Uuid)).ToList();

    /// <summary>Destroys and undefines what the run left behind (nothing, when the run ended clean).</summary>
    public async Task RemoveMadeAsync()
    {
        foreach (var guest in Made())
        {
            await _driver.DestroyAsync(guest.Uuid);
        }
    }

    public void Dispose() => _host.Dispose();
}
