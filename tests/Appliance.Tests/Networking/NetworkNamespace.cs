using System.Diagnostics;
using Appliance.Benchmarks;
using Appliance.Hypervisor.Disks;

namespace Appliance.Tests.Networking;

/// <summary>
/// A network namespace of the test's own with a libvirtd of its own: in a private mount namespace, /etc/libvirt (the host's
/// daemon settings and standard filters, none of its domains, networks, hooks or secrets), /var/lib/libvirt,
/// /var/cache/libvirt and /var/log/libvirt are bind mounts of directories under <see cref="Root"/> and /run/libvirt is a
/// tmpfs; virtlogd and libvirtd run there. So qemu:///system inside is that daemon: the networks it defines make their
/// bridge, dnsmasq and firewall rules in the namespace, its guests' NICs reach nothing but that namespace, and the host's
/// libvirtd, bridges and firewall are never touched. Commands run inside through nsenter (<see cref="NamespaceHolder.Enter"/>),
/// with absolute paths; <see cref="Root"/> is the same path inside and out. Disposing ends every process inside (guests,
/// dnsmasq, the daemons, an appliance), any peer namespaces, then removes <see cref="Root"/>.
/// </summary>
public sealed class NetworkNamespace : NamespaceHolder
{
    /// <summary>The libvirt URI inside: the namespace's own daemon (it is the host's daemon outside).</summary>
    public const string LibvirtUri = "qemu:///system";

    private const string Setup = """
        set -eu
        T=$1
        mkdir -p "$T/etc/libvirt/qemu/networks" "$T/varlib" "$T/cache" "$T/log" "$T/run"
        cp -a /etc/libvirt/*.conf /etc/libvirt/nwfilter "$T/etc/libvirt/"
        # The host's probe of QEMU's capabilities, still valid for the same binaries: saves the new daemon a second one.
        [ -d /var/cache/libvirt/qemu ] && cp -a /var/cache/libvirt/qemu "$T/cache/" || true
        mount --bind "$T/etc/libvirt" /etc/libvirt
        mount -t tmpfs tmpfs /run/libvirt
        mount --bind "$T/varlib" /var/lib/libvirt
        mkdir -p /var/lib/libvirt/qemu /var/lib/libvirt/images /var/lib/libvirt/boot
        mount --bind "$T/log" /var/log/libvirt
        mount --bind "$T/cache" /var/cache/libvirt
        ip link set lo up
        virtlogd -d --pid-file "$T/run/virtlogd.pid"
        libvirtd -d --pid-file "$T/run/libvirtd.pid"
        """;

    private static readonly string[] Tools = ["unshare", "nsenter", "ip", "virsh", "libvirtd", "virtlogd"];
    private readonly List<PeerNamespace> _peers = [];
    private int _peerCount;

    private NetworkNamespace(string root)
        : base(["unshare", "--net", "--mount", "--propagation", "private", "/bin/sh", "-c", Setup + "\n" + HoldThenStop, "netns-holder", root], null)
    {
        Root = root;
    }

    /// <summary>A directory of the namespace's own (mode 0755, so libvirt's QEMU user reaches guests' files there), removed on dispose.</summary>
    public string Root { get; }

    /// <summary>Why this machine can't make one (not root, a tool missing), or null.</summary>
    public static string? Unavailable()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return "a network namespace with its own libvirtd needs root";
        }

        var missing = Tools.Where(tool => FindTool(tool) is null).ToList();
        return missing.Count > 0 ? $"missing {string.Join(", ", missing)} (util-linux, iproute2, libvirt-daemon-system, libvirt-clients)" : null;
    }

    /// <summary>Skips the calling test, saying why, when <see cref="Unavailable"/> has a reason.</summary>
    public static void Require()
    {
        var reason = Unavailable();
        Skip.If(reason is not null, reason);
    }

    /// <summary>Makes the namespace and waits (60 s unless told otherwise) until its libvirtd answers inside.</summary>
    public static async Task<NetworkNamespace> StartAsync(TimeSpan? within = null)
    {
        var deadline = within ?? TimeSpan.FromSeconds(60);
        var watch = Stopwatch.StartNew();
        var root = Directory.CreateTempSubdirectory("appliance-netns-").FullName;
        HypervisorPaths.SetMode(root, HypervisorPaths.TraversableMode);
        var ns = new NetworkNamespace(root);
        try
        {
            await ns.WaitUntilHeldAsync(deadline);
            while (true)
            {
                var version = await ns.RunAsync("virsh", "-c", LibvirtUri, "version");
                if (version.ExitCode == 0)
                {
                    return ns;
                }

                if (watch.Elapsed > deadline)
                {
                    throw new TimeoutException($"libvirtd in namespace {ns.NetId} did not answer within {deadline}: {version.Stderr.Trim()}; the holder wrote:\n" +
                        string.Join("\n", ns.HolderOutput));
                }

                await Task.Delay(100);
            }
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }
    }

    /// <summary>virsh on the namespace's libvirtd; its stdout, or an exception with its stderr.</summary>
    public Task<string> VirshAsync(params string[] args) => OkAsync(["virsh", "-c", LibvirtUri, .. args]);

    /// <summary>The appliance launcher (the tests' own unless given) run inside, through nsenter.</summary>
    public ApplianceLauncher Launcher(ApplianceLauncher? launcher = null) =>
        (launcher ?? ApplianceLauncher.FromEnvironment()).WithSetting("Networking:Enabled", "true").Through(Enter[0], Enter.Skip(1));

    /// <summary>
    /// The appliance serving inside on the namespace's libvirtd, on a loopback port there (for clients run inside, e.g.
    /// the openstack CLI through <see cref="NamespaceHolder.Enter"/>) and on a unix socket under <see cref="Root"/>, where
    /// <see cref="ApplianceProcess.CreateClient"/> reaches it from the test; answering /healthz (within 60 s unless told).
    /// </summary>
    public Task<ApplianceProcess> ServeApplianceAsync(string dataDir, ApplianceLauncher? launcher = null, TimeSpan? within = null) =>
        Launcher(launcher).ServeAsync(dataDir, LibvirtUri, within, socketPath: Path.Combine(Root, $"appliance-{Guid.NewGuid():N}.sock"));

    /// <summary>
    /// A second network namespace joined to this one by a veth pair: one end attached to <paramref name="bridge"/> here, the
    /// other its eth0 with <paramref name="address"/> (CIDR, e.g. 10.0.0.9/24) and up. Disposed with this one.
    /// </summary>
    public async Task<PeerNamespace> AddPeerNamespaceAsync(string bridge, string address)
    {
        var number = Interlocked.Increment(ref _peerCount);
        var peer = await PeerNamespace.StartAsync(this);
        lock (_peers)
        {
            _peers.Add(peer);
        }

        var end = $"vpeer{number}";
        await OkAsync("ip", "link", "add", end, "type", "veth", "peer", "name", "eth0", "netns", peer.HolderPid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await OkAsync("ip", "link", "set", end, "master", bridge);
        await OkAsync("ip", "link", "set", end, "up");
        await peer.OkAsync("ip", "addr", "add", address, "dev", "eth0");
        await peer.OkAsync("ip", "link", "set", "eth0", "up");
        return peer;
    }

    public override async ValueTask DisposeAsync()
    {
        List<PeerNamespace> peers;
        lock (_peers)
        {
            peers = [.. _peers];
        }

        foreach (var peer in peers)
        {
            await peer.DisposeAsync();
        }

        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A process outside still holding a file there; the OS temp cleaner gets it.
            }
        }
    }

    private static string? FindTool(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>
/// One <see cref="NetworkNamespace"/> for all the tests of a class (IClassFixture): made before the first, ended after the
/// last. Each test takes it with <see cref="Require"/>, which skips the test, saying why, where this machine can't make one.
/// </summary>
public sealed class NetworkNamespaceFixture : IAsyncLifetime
{
    private NetworkNamespace? _namespace;
    private string? _unavailable;

    public NetworkNamespace Require()
    {
        Skip.If(_unavailable is not null, _unavailable);
        return _namespace!;
    }

    public async Task InitializeAsync()
    {
        _unavailable = NetworkNamespace.Unavailable();
        if (_unavailable is null)
        {
            _namespace = await NetworkNamespace.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_namespace is not null)
        {
            await _namespace.DisposeAsync();
        }
    }
}

/// <summary>A network namespace joined to a <see cref="NetworkNamespace"/> by a veth pair; commands run in it with the other's mounts.</summary>
public sealed class PeerNamespace : NamespaceHolder
{
    private PeerNamespace(NetworkNamespace of)
        : base([.. of.Enter, "unshare", "--net", "/bin/sh", "-c", "set -eu\nip link set lo up\n" + HoldThenStop, "peer-holder"], of.HolderPid)
    {
    }

    internal static async Task<PeerNamespace> StartAsync(NetworkNamespace of)
    {
        var peer = new PeerNamespace(of);
        try
        {
            await peer.WaitUntilHeldAsync(TimeSpan.FromSeconds(30));
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }
}
