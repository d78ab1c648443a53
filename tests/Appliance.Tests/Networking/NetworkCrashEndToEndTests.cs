using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Appliance.Benchmarks;
using Appliance.Benchmarks.Reliability;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Processes;
using Appliance.Tests.Hypervisor;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Appliance.Tests.Networking;

/// <summary>
/// Issue 18's crash: SIGKILL of the appliance while 50 creates with a NIC on `private` are in flight, inside a namespace
/// with its own libvirtd. After the restart on the same data dir no acknowledged server is lost, no address is held twice,
/// the network's DHCP entries (live, persistent, dnsmasq's hosts file) are exactly the ports'; after every delete none is
/// left, no address is held and the next server gets the pool's first address. The guests boot a disk that halts at once:
/// the test is about the store and the data plane, not 50 guests booting on two cores.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class NetworkCrashEndToEndTests(NetworkNamespaceFixture shared, ITestOutputHelper output) : IClassFixture<NetworkNamespaceFixture>
{
    private const int Creates = 50;

    /// <summary>The kill comes once this many creates were answered 202 and some build has taken an address.</summary>
    private const int AcknowledgedBeforeKill = 15;

    private const string Unlimited = """{"quota_set": {"instances": -1, "cores": -1, "ram": -1}}""";

    /// <summary>Generous: 50 guests defined and started, then destroyed, on a shared two-core machine.</summary>
    private static readonly TimeSpan Within = TimeSpan.FromMinutes(10);

    [SkippableFact]
    public async Task KillDuringFiftyCreatesWithNics_ThenRestart_HoldsNoAddressTwiceLeaksNoDhcpEntry_AndDeletesFreeEveryAddress()
    {
        var ns = shared.Require();
        var work = HypervisorPaths.EnsureDirectory(Path.Combine(ns.Root, $"crash-{Guid.NewGuid():N}"));
        var dataDir = HypervisorPaths.EnsureDirectory(Path.Combine(work, "data"));
        var store = new StoreView(Path.Combine(dataDir, "appliance.db"));
        // Rate limits off: 50 creates at once are what is tested, not a 429.
        var launcher = ApplianceLauncher.FromEnvironment().WithSetting("RateLimits:Enabled", "false");
        var report = new InvariantReport();
        var clock = Stopwatch.StartNew();
        var appliance = await ns.ServeApplianceAsync(dataDir, launcher, Within);
        try
        {
            output.WriteLine($"first start: {clock.Elapsed.TotalSeconds:F1} s");
            ProjectAccess project;
            string imageId;
            using (var client = appliance.CreateClient())
            {
                var fleet = await ServerFleet.ConnectAsync(client, dataDir);
                imageId = await fleet.UploadImageAsync(await HaltingDiskAsync(work));
                project = (await fleet.ProjectsAsync("netcrash", 1)).Single();
                await new ComputeApi(client).ExpectAsync(HttpMethod.Put, $"/v2.1/os-quota-sets/{project.Id}", fleet.AdminToken, Unlimited, HttpStatusCode.OK);
            }

            // 50 creates at once; the kill once enough are acknowledged and builds are taking addresses.
            var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            var surprises = new ConcurrentQueue<string>();
            var unanswered = 0;
            var fired = Stopwatch.StartNew();
            using (var createClient = appliance.CreateClient(Within))
            {
                var api = new ComputeApi(createClient);
                var creates = Enumerable.Range(1, Creates).Select(async i =>
                {
                    var name = $"crash-{i:D2}";
                    try
                    {
                        var answer = await api.SendAsync(HttpMethod.Post, "/v2.1/servers", project.Token,
                            $$$"""{"server": {"name": "{{{name}}}", "imageRef": "{{{imageId}}}", "flavorRef": "42", "networks": "auto"}}""");
                        if (answer.Status == HttpStatusCode.Accepted)
                        {
                            acknowledged[answer.Body.GetProperty("server").GetProperty("id").GetString()!] = name;
                        }
                        else
                        {
                            surprises.Enqueue($"{name}: {(int)answer.Status} {answer.Body}");
                        }
                    }
                    catch (Exception e) when (ComputeApi.IsUnanswered(e))
                    {
                        Interlocked.Increment(ref unanswered);
                    }
                }).ToList();

                var all = Task.WhenAll(creates);
                while (acknowledged.Count < AcknowledgedBeforeKill || store.HeldAddresses() == 0)
                {
                    Assert.True(surprises.IsEmpty, string.Join("\n", surprises));
                    Assert.True(fired.Elapsed < Within, $"{acknowledged.Count} creates acknowledged, {store.HeldAddresses()} addresses held after {Within}");
                    await Task.WhenAny(all, Task.Delay(20));
                }

                var atKill = store.ServerStates();
                var heldAtKill = store.HeldAddresses();
                var acknowledgedAtKill = acknowledged.Count;
                await appliance.KillAsync();
                await all;
                output.WriteLine($"kill {fired.Elapsed.TotalSeconds:F1} s after the creates began: {acknowledgedAtKill} acknowledged then " +
                    $"({acknowledged.Count} in all, {unanswered} unanswered), rows {Describe(atKill)}, {heldAtKill} addresses held");
                Assert.True(surprises.IsEmpty, string.Join("\n", surprises));
            }

            await appliance.DisposeAsync();
            CrashInvariants.CheckIntegrity(dataDir, report);
            var restart = Stopwatch.StartNew();
            appliance = await ns.ServeApplianceAsync(dataDir, launcher, Within);
            output.WriteLine($"restart with reconcile: {restart.Elapsed.TotalSeconds:F1} s, " +
                $"{appliance.Output.Count(line => line.Contains("Reconcile:", StringComparison.Ordinal))} reconcile fixes, " +
                $"{appliance.Output.Count(line => line.Contains("DHCP entry", StringComparison.Ordinal) || line.Contains("Releasing the ports", StringComparison.Ordinal))} network fixes");

            using var checkClient = appliance.CreateClient(Within);
            var admin = await ServerFleet.ConnectAsync(checkClient, dataDir);
            var checkApi = new ComputeApi(checkClient);
            var invariants = new CrashInvariants(checkApi, admin.AdminToken, dataDir, report);
            await invariants.CheckSettledAsync();
            var ledger = new AcknowledgedChanges();
            foreach (var (id, name) in acknowledged)
            {
                ledger.Created(new TrackedServer(id, 0, name, new Dictionary<string, string>()));
            }

            await invariants.CheckAcknowledgedAsync(ledger);
            var rows = StoredRows.Read(store.Path);
            invariants.CheckAddresses(rows);
            await invariants.CheckQuotasAsync([project], rows);
            Assert.True(report.Violations.Count == 0, string.Join("\n", report.Violations));

            var servers = await checkApi.AllServersAsync(admin.AdminToken);
            output.WriteLine($"after the restart: {servers.Count} servers, " +
                string.Join(", ", servers.GroupBy(s => s.GetProperty("status").GetString()).Select(g => $"{g.Count()} {g.Key}")));
            await AssertPlaneMatchesAsync(ns, store, servers);

            // Every server deleted: no entry, no port, no address, no domain left.
            var deletes = Stopwatch.StartNew();
            foreach (var server in servers)
            {
                await checkApi.ExpectAsync(HttpMethod.Delete, $"/v2.1/servers/{server.GetProperty("id").GetString()}", admin.AdminToken, null, HttpStatusCode.NoContent);
            }

            await WaitUntilAsync(async () => (await checkApi.AllServersAsync(admin.AdminToken)).Count == 0, "every server gone");
            output.WriteLine($"{servers.Count} deletes done in {deletes.Elapsed.TotalSeconds:F1} s");
            var network = store.PrivateNetwork();
            var emptied = await DhcpEntries.ReadAsync(ns, network.LibvirtName);
            Assert.Empty(emptied.Live);
            Assert.Empty(emptied.Persistent);
            Assert.Empty(emptied.HostsFile);
            Assert.Empty(store.Ports());
            Assert.Empty(await DomainsAsync(ns, running: false));

            // The next server gets the pool's first address: every address is free again.
            var next = await admin.CreateServerAsync(admin.AdminToken, "after-crash", imageId, "auto");
            await WaitUntilAsync(async () => (await admin.StatusAsync(next)) is "ACTIVE" or "ERROR", "the new server built");
            var after = await admin.ServerAsync(next);
            Assert.Equal("ACTIVE", after.GetProperty("status").GetString());
            Assert.Equal([network.PoolStart], Addresses(after).Select(a => a.Ip));
            await AssertPlaneMatchesAsync(ns, store, [after]);
            await admin.DeleteServerAsync(admin.AdminToken, next, Within);
            Assert.Empty((await DhcpEntries.ReadAsync(ns, network.LibvirtName)).Live);
            output.WriteLine($"wall time {clock.Elapsed.TotalSeconds:F0} s");
        }
        catch (Exception) when (!appliance.HasExited)
        {
            output.WriteLine("the appliance's last output:\n" + string.Join("\n", appliance.Output.TakeLast(80)));
            throw;
        }
        finally
        {
            await appliance.DisposeAsync();
        }
    }

    /// <summary>
    /// The API's addresses, the store's ports and the network's DHCP entries (live, persistent, hosts file) are one set: no
    /// address twice, no entry without a port, no port of a server without its entry; every ACTIVE server runs its guest
    /// and every guest belongs to a listed server; every ERROR server failed only because the restart cut its build.
    /// </summary>
    private static async Task AssertPlaneMatchesAsync(NetworkNamespace ns, StoreView store, IReadOnlyList<JsonElement> servers)
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

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < Within, $"not {what} within {Within}");
            await Task.Delay(250);
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

    /// <summary>The store's rows the test needs, read straight from the SQLite file (read-only, beside the running appliance).</summary>
    private sealed class StoreView(string path)
    {
        public string Path => path;

        public sealed record Port(string Mac, string Ip, string DeviceId);

        public sealed record Network(string LibvirtName, string PoolStart);

        /// <summary>Addresses held now; 0 while the file cannot be read (a checkpoint under way).</summary>
        public int HeldAddresses()
        {
            try
            {
                return Query("SELECT COUNT(*) FROM port_ips", r => r.GetInt32(0)).Single();
            }
            catch (SqliteException)
            {
                return 0;
            }
        }

        public IReadOnlyDictionary<string, int> ServerStates() =>
            Query("SELECT vm_state, COUNT(*) FROM servers WHERE deleted = 0 GROUP BY vm_state", r => (r.GetString(0), r.GetInt32(1)))
                .ToDictionary(pair => pair.Item1, pair => pair.Item2, StringComparer.Ordinal);

        public IReadOnlyList<Port> Ports() =>
            Query("SELECT p.mac_address, i.ip_address, p.device_id FROM ports p JOIN port_ips i ON i.port_id = p.id",
                r => new Port(r.GetString(0), r.GetString(1), r.GetString(2)));

        public Network PrivateNetwork() => Query("""
            SELECT n.libvirt_name, s.allocation_pools FROM networks n JOIN subnets s ON s.network_id = n.id WHERE n.name = 'private'
            """, r => new Network(r.GetString(0), PoolStart(r.GetString(1)))).Single();

        /// <summary>The first pool's start, as the store keeps pools (JSON, Start/End).</summary>
        private static string PoolStart(string pools)
        {
            var first = JsonDocument.Parse(pools).RootElement[0];
            return (first.TryGetProperty("Start", out var start) ? start : first.GetProperty("start")).GetString()!;
        }

        private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read)
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(read(reader));
            }

            return rows;
        }
    }
}
