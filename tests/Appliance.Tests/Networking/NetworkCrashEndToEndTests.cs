using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Appliance.Benchmarks;
using Appliance.Benchmarks.Reliability;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Processes;
using Appliance.Tests.Hypervisor;
using Xunit.Abstractions;

namespace Appliance.Tests.Networking;

/// <summary>
/// Issue 18's crash, inside a namespace with its own libvirtd: SIGKILL of the appliance while 50 creates with a NIC on
/// `private` are in flight, a restart on the same data dir, then SIGKILL again while every server is being deleted and a
/// second restart. After each restart no acknowledged create or delete is lost, no address is held twice, and the network's
/// DHCP entries (live, persistent, dnsmasq's hosts file) are exactly the ports'; once the deletes are done no entry, port or
/// address is left and the next server gets the pool's first address. The guests boot a disk that halts at once: the test
/// is about the store and the data plane, not 50 guests booting on two cores.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class NetworkCrashEndToEndTests(NetworkNamespaceFixture shared, ITestOutputHelper output) : IClassFixture<NetworkNamespaceFixture>
{
    private const int Creates = 50;

    /// <summary>
    /// 50 POSTs at once are all answered within a second, while the first few builds take their addresses (measured: all 50
    /// acknowledged, 4 addresses held, none ACTIVE), so a kill then leaves nothing in flight; the first 30 go at once
    /// and the other 20 at once when some of the first are ACTIVE: the kill then finds finished builds, builds taking
    /// addresses and creates not yet answered.
    /// </summary>
    private const int FirstWave = 30;

    private const int ActiveBeforeSecondWave = 4;

    /// <summary>The kill during the creates comes once this many of the second wave were answered 202.</summary>
    private const int SecondWaveAcknowledgedBeforeKill = 10;

    /// <summary>The kill during the deletes comes once this many servers are gone.</summary>
    private const int GoneBeforeKill = 5;

    private const string Unlimited = """{"quota_set": {"instances": -1, "cores": -1, "ram": -1}}""";

    /// <summary>Generous: 50 guests defined and started, then destroyed, on a shared two-core machine.</summary>
    private static readonly TimeSpan Within = TimeSpan.FromMinutes(10);

    [SkippableFact]
    public async Task KillDuringFiftyCreatesWithNics_AndDuringTheirDeletes_HoldsNoAddressTwiceLeaksNoDhcpEntry_AndFreesEveryAddress()
    {
        var ns = shared.Require();
        var clock = Stopwatch.StartNew();
        await using var run = await CrashRun.StartAsync(ns, output);
        try
        {
            var created = await CreateThenKillAsync(run);
            await run.RestartAsync();
            var servers = await CheckAfterRestartAsync(run, created, deleted: null);

            var deleted = await DeleteThenKillAsync(run, servers);
            await run.RestartAsync();
            var left = await CheckAfterRestartAsync(run, created, deleted);

            // The rest deleted: no entry, no port, no address, no guest left.
            var deletes = Stopwatch.StartNew();
            foreach (var server in left)
            {
                await run.Api.ExpectAsync(HttpMethod.Delete, $"/v2.1/servers/{Id(server)}", run.Admin.AdminToken, null, HttpStatusCode.NoContent);
            }

            await WaitUntilAsync(async () => (await run.Api.AllServersAsync(run.Admin.AdminToken)).Count == 0, "every server gone");
            output.WriteLine($"the other {left.Count} deletes done in {deletes.Elapsed.TotalSeconds:F1} s");
            var network = run.Store.PrivateNetwork();
            var emptied = await DhcpEntries.ReadAsync(ns, network.LibvirtName);
            Assert.Empty(emptied.Live);
            Assert.Empty(emptied.Persistent);
            Assert.Empty(emptied.HostsFile);
            Assert.Empty(run.Store.Ports());
            Assert.Empty(await DomainsAsync(ns, running: false));

            // The next server gets the pool's first address: every address is free again.
            var next = await run.Admin.CreateServerAsync(run.Admin.AdminToken, "after-crash", run.ImageId, "auto");
            await WaitUntilAsync(async () => (await run.Admin.StatusAsync(next)) is "ACTIVE" or "ERROR", "the new server built");
            var after = await run.Admin.ServerAsync(next);
            Assert.Equal("ACTIVE", after.GetProperty("status").GetString());
            Assert.Equal([network.PoolStart], Addresses(after).Select(a => a.Ip));
            await AssertPlaneMatchesAsync(ns, run.Store, [after]);
            await run.Admin.DeleteServerAsync(run.Admin.AdminToken, next, Within);
            Assert.Empty((await DhcpEntries.ReadAsync(ns, network.LibvirtName)).Live);
            output.WriteLine($"wall time {clock.Elapsed.TotalSeconds:F0} s");
        }
        catch (Exception)
        {
            output.WriteLine("the appliance's last output:\n" + string.Join("\n", run.Appliance.Output.TakeLast(80)));
            throw;
        }
    }

    /// <summary>The 50 creates in two waves, the kill during the second; the servers acknowledged (id, name).</summary>
    private async Task<IReadOnlyDictionary<string, string>> CreateThenKillAsync(CrashRun run)
    {
        var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var surprises = new ConcurrentQueue<string>();
        var (unanswered, secondAcknowledged) = (0, 0);
        var secondWave = new TaskCompletionSource();
        var fired = Stopwatch.StartNew();
        using var client = run.Appliance.CreateClient(Within);
        var api = new ComputeApi(client);
        var creates = Enumerable.Range(1, Creates).Select(async i =>
        {
            var name = $"crash-{i:D2}";
            if (i > FirstWave)
            {
                await secondWave.Task;
            }

            try
            {
                var answer = await api.SendAsync(HttpMethod.Post, "/v2.1/servers", run.Project.Token,
                    $$$"""{"server": {"name": "{{{name}}}", "imageRef": "{{{run.ImageId}}}", "flavorRef": "42", "networks": "auto"}}""");
                if (answer.Status != HttpStatusCode.Accepted)
                {
                    surprises.Enqueue($"{name}: {(int)answer.Status} {answer.Body}");
                    return;
                }

                acknowledged[answer.Body.GetProperty("server").GetProperty("id").GetString()!] = name;
                if (i > FirstWave)
                {
                    Interlocked.Increment(ref secondAcknowledged);
                }
            }
            catch (Exception e) when (ComputeApi.IsUnanswered(e))
            {
                Interlocked.Increment(ref unanswered);
            }
        }).ToList();
        var all = Task.WhenAll(creates);

        // A build that fails before the kill is a failure of its own: nothing cut it short.
        await WaitUntilAsync(() => Task.FromResult(run.Store.ServerStates() is var states
            && (states.GetValueOrDefault("active") >= ActiveBeforeSecondWave || states.ContainsKey("error") || !surprises.IsEmpty)), $"{ActiveBeforeSecondWave} servers ACTIVE");
        Assert.True(surprises.IsEmpty, string.Join("\n", surprises));
        Assert.True(!run.Store.ServerStates().ContainsKey("error"), "a build failed before the kill: " + string.Join("\n", run.Store.Faults()));
        var secondAt = fired.Elapsed;
        secondWave.SetResult();
        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref secondAcknowledged) >= SecondWaveAcknowledgedBeforeKill || all.IsCompleted),
            $"{SecondWaveAcknowledgedBeforeKill} creates of the second wave answered", everyMs: 5);
        var (states, held, acknowledgedAtKill) = (run.Store.ServerStates(), run.Store.HeldAddresses(), acknowledged.Count);
        await run.Appliance.KillAsync();
        await all;
        output.WriteLine($"creates: second wave after {secondAt.TotalSeconds:F1} s; kill after {fired.Elapsed.TotalSeconds:F1} s with {acknowledgedAtKill} " +
            $"acknowledged ({acknowledged.Count} in all, {unanswered} unanswered), rows {Describe(states)}, {held} addresses held");
        Assert.True(surprises.IsEmpty, string.Join("\n", surprises));
        return acknowledged;
    }

    /// <summary>Every server's delete at once, the kill once some are gone; the servers whose delete was answered 204.</summary>
    private async Task<IReadOnlySet<string>> DeleteThenKillAsync(CrashRun run, IReadOnlyList<JsonElement> servers)
    {
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var surprises = new ConcurrentQueue<string>();
        var fired = Stopwatch.StartNew();
        using var client = run.Appliance.CreateClient(Within);
        var api = new ComputeApi(client);
        var all = Task.WhenAll(servers.Select(async server =>
        {
            try
            {
                var answer = await api.SendAsync(HttpMethod.Delete, $"/v2.1/servers/{Id(server)}", run.Admin.AdminToken);
                if (answer.Status == HttpStatusCode.NoContent)
                {
                    acknowledged[Id(server)] = true;
                }
                else
                {
                    surprises.Enqueue($"{Id(server)}: {(int)answer.Status} {answer.Body}");
                }
            }
            catch (Exception e) when (ComputeApi.IsUnanswered(e))
            {
                // Its delete may or may not have been taken.
            }
        }));
        await WaitUntilAsync(() => Task.FromResult(run.Store.GoneServers() >= GoneBeforeKill || !surprises.IsEmpty), $"{GoneBeforeKill} servers gone", everyMs: 20);
        var (gone, held) = (run.Store.GoneServers(), run.Store.HeldAddresses());
        await run.Appliance.KillAsync();
        await all;
        output.WriteLine($"deletes: kill after {fired.Elapsed.TotalSeconds:F1} s with {acknowledged.Count} of {servers.Count} acknowledged, {gone} gone, {held} addresses held");
        Assert.True(surprises.IsEmpty, string.Join("\n", surprises));
        return acknowledged.Keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// After a restart: the store is whole, nothing is in a task, every acknowledged create is there and every acknowledged
    /// delete done (with <paramref name="deleted"/>, every server's delete was sent and those are the answered ones), addresses
    /// and quotas agree with the rows, and the data plane matches; the servers listed.
    /// </summary>
    private async Task<IReadOnlyList<JsonElement>> CheckAfterRestartAsync(CrashRun run, IReadOnlyDictionary<string, string> created, IReadOnlySet<string>? deleted)
    {
        var invariants = new CrashInvariants(run.Api, run.Admin.AdminToken, run.DataDir, run.Report);
        await invariants.CheckSettledAsync();
        var ledger = new AcknowledgedChanges();
        foreach (var (id, name) in created)
        {
            ledger.Created(new TrackedServer(id, 0, name, new Dictionary<string, string>())
            {
                Delete = deleted is null ? DeleteState.None : deleted.Contains(id) ? DeleteState.Acknowledged : DeleteState.Unanswered,
            });
        }

        await invariants.CheckAcknowledgedAsync(ledger);
        var rows = StoredRows.Read(run.Store.Path);
        invariants.CheckAddresses(rows);
        await invariants.CheckQuotasAsync([run.Project], rows);
        Assert.True(run.Report.Violations.Count == 0, string.Join("\n", run.Report.Violations));

        var servers = await run.Api.AllServersAsync(run.Admin.AdminToken);
        output.WriteLine($"  then {servers.Count} servers: " +
            string.Join(", ", servers.GroupBy(s => s.GetProperty("status").GetString()).Select(g => $"{g.Count()} {g.Key}")) +
            $", {run.Store.HeldAddresses()} addresses held");
        await AssertPlaneMatchesAsync(run.Namespace, run.Store, servers);
        return servers;
    }

    /// <summary>
    /// The API's addresses, the store's ports and the network's DHCP entries (live, persistent, hosts file) are one set: no
    /// address twice, no entry without a port, no port of a server without its entry; every ACTIVE server runs its guest
    /// and every guest belongs to a listed server; every ERROR server failed only because the restart cut its build.
    /// </summary>
    private static async Task AssertPlaneMatchesAsync(NetworkNamespace ns, StoredNetworkRows store, IReadOnlyList<JsonElement> servers)
    {
        var shown = servers.SelectMany(Addresses).ToList();
        var twice = shown.GroupBy(a => a.Ip).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"addresses shown on two servers: {string.Join(", ", twice)}");
        var ports = store.Ports();
        Assert.Equal(DhcpEntries.Sorted(ports.Select(p => DhcpEntries.Entry(p.Mac, p.Ip))), DhcpEntries.Sorted(shown.Select(a => DhcpEntries.Entry(a.Mac, a.Ip))));
        var dhcp = await DhcpEntries.ReadAsync(ns, store.PrivateNetwork().LibvirtName);
        var wanted = DhcpEntries.Sorted(ports.Select(p => DhcpEntries.Entry(p.Mac, p.Ip)));
        Assert.Equal(wanted, dhcp.Live);
        Assert.Equal(wanted, dhcp.Persistent);
        Assert.Equal(wanted, dhcp.HostsFile);

        var ids = servers.Select(s => s.GetProperty("id").GetString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var running = await DomainsAsync(ns, running: true);
        foreach (var server in servers)
        {
            var id = server.GetProperty("id").GetString()!;
            switch (server.GetProperty("status").GetString())
            {
                case "ACTIVE":
                    Assert.True(running.Contains(id), $"ACTIVE server {id} has no running guest");
                    Assert.True(Addresses(server).Any(), $"ACTIVE server {id} has no address");
                    break;
                case "ERROR":
                    var fault = server.TryGetProperty("fault", out var f) ? f.GetProperty("message").GetString() : "(no fault)";
                    Assert.True(fault?.Contains("interrupted by a restart", StringComparison.Ordinal) == true, $"ERROR server {id}: {fault}");
                    break;
                default:
                    Assert.Fail($"server {id} is {server.GetProperty("status")} after the restart");
                    break;
            }
        }

        var strays = (await DomainsAsync(ns, running: false)).Where(uuid => !ids.Contains(uuid)).ToList();
        Assert.True(strays.Count == 0, $"guests of no listed server: {string.Join(", ", strays)}");
    }

    private static IEnumerable<(string Mac, string Ip)> Addresses(JsonElement server) =>
        server.GetProperty("addresses").EnumerateObject().SelectMany(network => network.Value.EnumerateArray())
            .Select(a => (a.GetProperty("OS-EXT-IPS-MAC:mac_addr").GetString()!, a.GetProperty("addr").GetString()!));

    /// <summary>The uuids of the namespace's domains: the running ones, or all defined.</summary>
    private static async Task<IReadOnlySet<string>> DomainsAsync(NetworkNamespace ns, bool running) =>
        (await ns.VirshAsync(running ? ["list", "--uuid"] : ["list", "--all", "--uuid"]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Polls the condition (every 250 ms unless told) until it holds; fails after <see cref="Within"/>.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int everyMs = 250)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < Within, $"not {what} within {Within}");
            await Task.Delay(everyMs);
        }
    }

    private static string Describe(IReadOnlyDictionary<string, int> states) =>
        states.Count == 0 ? "none" : string.Join(", ", states.Select(pair => $"{pair.Value} {pair.Key}"));

    /// <summary>A qcow2 whose boot sector halts the CPU (cli; hlt): a guest that costs the host nothing once it runs.</summary>
    private static async Task<string> HaltingDiskAsync(string dir)
    {
        var raw = Path.Combine(dir, "halt.raw");
        var disk = new byte[1 << 20];
        byte[] code = [0xFA, 0xF4, 0xEB, 0xFD]; // cli; hlt; jmp back to the hlt
        code.CopyTo(disk, 0);
        (disk[510], disk[511]) = (0x55, 0xAA);
        await File.WriteAllBytesAsync(raw, disk);
        var qcow2 = Path.Combine(dir, "halt.qcow2");
        await HostCommand.RunAsync("qemu-img", ["convert", "-q", "-f", "raw", "-O", "qcow2", raw, qcow2]);
        return qcow2;
    }

    /// <summary>
    /// One appliance's life through its kills: the namespace, its data dir, the appliance now serving, an admin and the
    /// project the creates use (no quotas), the halting image.
    /// </summary>
    private sealed class CrashRun : IAsyncDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly ApplianceLauncher _launcher;
        private HttpClient _client;

        private CrashRun(NetworkNamespace ns, string dataDir, ApplianceLauncher launcher, ApplianceProcess appliance, ITestOutputHelper output)
        {
            (Namespace, DataDir, _launcher, Appliance, _output) = (ns, dataDir, launcher, appliance, output);
            Store = new StoredNetworkRows(System.IO.Path.Combine(dataDir, "appliance.db"));
            _client = appliance.CreateClient(Within);
            Api = new ComputeApi(_client);
        }

        public NetworkNamespace Namespace { get; }

        public string DataDir { get; }

        public StoredNetworkRows Store { get; }

        public InvariantReport Report { get; } = new();

        public ApplianceProcess Appliance { get; private set; }

        public ComputeApi Api { get; private set; }

        public ServerFleet Admin { get; private set; } = null!;

        public ProjectAccess Project { get; private set; } = null!;

        public string ImageId { get; private set; } = "";

        public static async Task<CrashRun> StartAsync(NetworkNamespace ns, ITestOutputHelper output)
        {
            var work = HypervisorPaths.EnsureDirectory(System.IO.Path.Combine(ns.Root, $"crash-{Guid.NewGuid():N}"));
            var dataDir = HypervisorPaths.EnsureDirectory(System.IO.Path.Combine(work, "data"));
            // Rate limits off: 50 creates at once are what is tested, not a 429.
            var launcher = ApplianceLauncher.FromEnvironment().WithSetting("RateLimits:Enabled", "false");
            var watch = Stopwatch.StartNew();
            var run = new CrashRun(ns, dataDir, launcher, await ns.ServeApplianceAsync(dataDir, launcher, Within), output);
            try
            {
                output.WriteLine($"first start {watch.Elapsed.TotalSeconds:F1} s");
                run.Admin = await ServerFleet.ConnectAsync(run._client, dataDir);
                run.ImageId = await run.Admin.UploadImageAsync(await HaltingDiskAsync(work));
                run.Project = (await run.Admin.ProjectsAsync("netcrash", 1)).Single();
                await run.Api.ExpectAsync(HttpMethod.Put, $"/v2.1/os-quota-sets/{run.Project.Id}", run.Admin.AdminToken, Unlimited, HttpStatusCode.OK);
                return run;
            }
            catch
            {
                await run.DisposeAsync();
                throw;
            }
        }

        /// <summary>After a kill: the file checked as the kill left it, then a new appliance on the same data dir, answering once its reconcile is done.</summary>
        public async Task RestartAsync()
        {
            await Appliance.DisposeAsync();
            _client.Dispose();
            CrashInvariants.CheckIntegrity(DataDir, Report);
            var watch = Stopwatch.StartNew();
            Appliance = await Namespace.ServeApplianceAsync(DataDir, _launcher, Within);
            _client = Appliance.CreateClient(Within);
            Api = new ComputeApi(_client);
            Admin = await ServerFleet.ConnectAsync(_client, DataDir);
            var fixes = Appliance.Output.Count(line => line.Contains("Reconcile:", StringComparison.Ordinal));
            var network = Appliance.Output.Where(line => line.Contains("DHCP entry", StringComparison.Ordinal) || line.Contains("Releasing the ports", StringComparison.Ordinal)).ToList();
            _output.WriteLine($"restart with reconcile {watch.Elapsed.TotalSeconds:F1} s: {fixes} reconcile fixes, {network.Count} network fixes");
            network.ForEach(line => _output.WriteLine($"    {line.Trim()}"));
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await Appliance.DisposeAsync();
        }
    }

    private static string Id(JsonElement server) => server.GetProperty("id").GetString()!;
}
