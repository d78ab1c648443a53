using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Host;

namespace Appliance.Benchmarks.Reliability;

/// <summary>
/// The domains libvirt holds, seen over the harness's own connection. The crash harness points the appliance at
/// test+unix:///default: libvirt's test driver then lives in libvirtd, whose default state is shared by every connection and
/// kept while one stays open. This connection keeps the appliance's (fake) guests alive across its kills, as a real host's
/// guests outlive the appliance, and lets the harness list them. Only domains of servers the run's database recorded are
/// the run's: others on the same libvirtd (another harness, a test) are never checked nor touched.
/// </summary>
public sealed class HostDomains : IDisposable
{
    /// <summary>libvirt's test driver, hosted by libvirtd: one fake host for every process that connects.</summary>
    public const string SharedTestUri = "test+unix:///default";

    private const string LibvirtdPidFile = "/run/libvirtd.pid";

    private readonly LibvirtHost _host;
    private readonly LibvirtComputeDriver _driver;
    private readonly string? _libvirtdPid = LibvirtdPid();
    private volatile bool _reconnected;

    private HostDomains(LibvirtHost host, string scratchDir)
    {
        _host = host;
        _driver = new LibvirtComputeDriver(host, new HypervisorPaths(scratchDir), HostFacts.Tcg);
        _driver.ListGuests(); // connects now: a libvirtd that does not answer is found before the run starts
        host.Reconnected += () => _reconnected = true;
    }

    /// <summary>
    /// libvirtd restarted since the run began (someone else's test, an operator): the test host's state, the run's guests with
    /// it, is gone, so what the harness would check from here on says nothing about the appliance.
    /// </summary>
    public bool LibvirtdRestarted => _reconnected || LibvirtdPid() != _libvirtdPid;

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

    /// <summary>
    /// The appliance's domains, with their power states: those named for a server its database has ever recorded
    /// (rows are only ever marked deleted, and a guest is defined only after its row was committed). Another run's domains on
    /// the shared test host are not.
    /// </summary>
    public IReadOnlyList<GuestStatus> Ours(StoredRows rows)
    {
        var recorded = rows.Servers.Select(s => s.Uuid).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return _driver.ListGuests().Where(guest => recorded.Contains(guest.Uuid.ToString())).ToList();
    }

    /// <summary>Destroys and undefines the appliance's domains the run left behind (none, when it ended clean).</summary>
    public async Task RemoveOursAsync(StoredRows rows)
    {
        foreach (var guest in Ours(rows))
        {
            await _driver.DestroyAsync(guest.Uuid);
        }
    }

    public void Dispose() => _host.Dispose();

    private static string? LibvirtdPid() => File.Exists(LibvirtdPidFile) ? File.ReadAllText(LibvirtdPidFile).Trim() : null;
}
