using System.Diagnostics;
using System.Net;

namespace Appliance.Benchmarks.Reliability;

/// <summary>How hard the crash harness pushes: kills, workers, how long the appliance lives between kills, the random seed.</summary>
public sealed record CrashRunOptions(int Kills)
{
    public int Concurrency { get; init; } = 6;
    public int Projects { get; init; } = 2;
    public TimeSpan MinUptime { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxUptime { get; init; } = TimeSpan.FromSeconds(6);
    public int Seed { get; init; } = Random.Shared.Next();
}

public sealed record CrashRunResult(
    int Runs,
    int Kills,
    long InvariantsChecked,
    IReadOnlyList<string> Violations,
    WorkloadStats Workload,
    int AcknowledgedCreates,
    int AcknowledgedDeletes,
    int UnansweredCreates,
    int ReconcileFixes,
    IReadOnlyList<TimeSpan> Restarts,
    string LibvirtUri,
    string? DomainsUnchecked,
    TimeSpan Elapsed)
{
    /// <summary>Why the run stopped before its kills were done (libvirtd restarted under it), or null.</summary>
    public string? Disturbed { get; init; }
}

/// <summary>
/// SIGKILLs the appliance at random moments of a mixed workload, restarts it on the same data dir and checks
/// <see cref="CrashInvariants"/> after every restart, then deletes everything and checks nothing is left behind.
/// </summary>
public sealed class CrashHarness(ApplianceLauncher launcher, Action<string> log)
{
    public const string NothingLeft = "nothing left after deleting every server";
    public const string ExpectedAnswers = "no 5xx or unexpected answer";
    private static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(90);

    public async Task<CrashRunResult> RunAsync(CrashRunOptions options)
    {
        var clock = Stopwatch.StartNew();
        var dataDir = Directory.CreateTempSubdirectory("appliance-crash-").FullName;
        var scratch = Directory.CreateTempSubdirectory("appliance-crash-host-").FullName;
        using var domains = HostDomains.TryOpen(scratch, out var domainsUnchecked);
        var libvirtUri = domains?.Uri ?? "test:///default";
        log($"crash run: {options.Kills} kills, {options.Concurrency} workers, seed {options.Seed}, data dir {dataDir}, libvirt {libvirtUri}");
        if (domainsUnchecked is not null)
        {
            log($"domains are not checked: {domainsUnchecked}");
        }

        var random = new Random(options.Seed);
        var report = new InvariantReport();
        var ledger = new AcknowledgedChanges();
        var stats = new WorkloadStats();
        var restarts = new List<TimeSpan>();
        var runs = 0;
        var fixes = 0;
        var kills = 0;
        string? disturbed = null;
        ApplianceProcess? appliance = null;
        try
        {
            appliance = await StartAsync(dataDir, libvirtUri);
            runs++;
            using var setupClient = Client(appliance);
            var setup = await ReliabilitySetup.PrepareAsync(setupClient, dataDir, "crash", options.Projects);
            var workload = new MixedWorkload(setup.Targets, ledger, stats, options.Seed);

            for (var kill = 1; kill <= options.Kills; kill++)
            {
                using (var client = Client(appliance))
                using (var stop = new CancellationTokenSource())
                {
                    var answeredBefore = stats.Requests - stats.Unanswered;
                    var running = workload.RunAsync(new ComputeApi(client), options.Concurrency, stop.Token);
                    // The uptime counts from the first answer: a cold start's first seconds go to the JIT, not to the workload.
                    for (var waited = 0; stats.Requests - stats.Unanswered == answeredBefore && waited < 600; waited++)
                    {
                        await Task.Delay(50);
                    }

                    var uptime = options.MinUptime + (options.MaxUptime - options.MinUptime) * random.NextDouble();
                    await Task.Delay(uptime);
                    await appliance.KillAsync();
                    kills++;
                    await stop.CancelAsync();
                    await running;
                    log($"kill {kill}/{options.Kills} after {uptime.TotalMilliseconds:F0} ms: {ledger.Servers.Count} servers acknowledged, {stats.Requests} requests");
                }

                await appliance.DisposeAsync();
                var violationsBefore = report.Violations.Count;
                CrashInvariants.CheckIntegrity(dataDir, report);

                var restart = Stopwatch.StartNew();
                appliance = await StartAsync(dataDir, libvirtUri);
                runs++;
                restarts.Add(restart.Elapsed);
                var repaired = appliance.Output.Count(line => line.Contains("Reconcile:", StringComparison.Ordinal));
                fixes += repaired;
                using var checkClient = Client(appliance);
                await new CrashInvariants(new ComputeApi(checkClient), setup.AdminToken, dataDir, report)
                    .CheckAfterRestartAsync(ledger, setup.Targets.Projects, domains);
                if (domains?.LibvirtdRestarted == true)
                {
                    report.KeepFirst(violationsBefore);
                    disturbed = $"libvirtd restarted during round {kill}: the test host lost the run's guests; the run stops there";
                    log($"  {disturbed}");
                    break;
                }

                log($"  restarted in {restart.Elapsed.TotalSeconds:F1} s, {repaired} reconcile fixes; {report.Checked} checks, {report.Violations.Count} violations");
                foreach (var violation in report.Violations.Skip(violationsBefore))
                {
                    log($"  violation: {violation}");
                }
            }

            if (disturbed is null)
            {
                using var client = Client(appliance);
                await DeleteEverythingAsync(new ComputeApi(client), setup.AdminToken, dataDir, domains, report);
            }

            report.Check(stats.Unexpected == 0, ExpectedAnswers, () => string.Join("\n    ", stats.Surprises));
        }
        catch (Exception) when (appliance is not null)
        {
            log("the appliance's last output:\n" + string.Join("\n", appliance.Output.TakeLast(60)));
            throw;
        }
        finally
        {
            if (appliance is not null)
            {
                await appliance.DisposeAsync();
            }

            if (domains is not null && File.Exists(Path.Combine(dataDir, "appliance.db")))
            {
                await domains.RemoveOursAsync(StoredRows.Read(Path.Combine(dataDir, "appliance.db")));
            }

            Directory.Delete(scratch, recursive: true);
            Directory.Delete(dataDir, recursive: true);
        }

        var all = ledger.Servers;
        return new CrashRunResult(runs, kills, report.Checked, report.Violations, stats,
            all.Count, all.Count(s => s.Delete == DeleteState.Acknowledged), ledger.UnansweredCreates, fixes, restarts, libvirtUri, domainsUnchecked, clock.Elapsed)
        {
            Disturbed = disturbed,
        };
    }

    /// <summary>The end of a run: every server deleted through the API leaves no row, domain, instance dir or volume.</summary>
    private static async Task DeleteEverythingAsync(ComputeApi api, string adminToken, string dataDir, HostDomains? domains, InvariantReport report)
    {
        var deadline = DateTime.UtcNow + CrashInvariants.SettleWithin;
        List<System.Text.Json.JsonElement> left;
        while ((left = await api.AllServersAsync(adminToken)).Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var server in left.Where(s => s.GetProperty("OS-EXT-STS:task_state").GetString() is null))
            {
                var id = server.GetProperty("id").GetString();
                if (server.GetProperty("locked").GetBoolean())
                {
                    await api.SendAsync(HttpMethod.Post, $"/v2.1/servers/{id}/action", adminToken, """{"unlock": null}""");
                }

                await api.SendAsync(HttpMethod.Delete, $"/v2.1/servers/{id}", adminToken);
            }

            await Task.Delay(500);
        }

        report.Check(left.Count == 0, NothingLeft, () => $"{left.Count} servers still listed: {string.Join(", ", left.Select(s => $"{s.GetProperty("id")} {s.GetProperty("status")}"))}");
        var madeDomains = domains?.Ours(StoredRows.Read(Path.Combine(dataDir, "appliance.db"))) ?? [];
        report.Check(madeDomains.Count == 0, NothingLeft, () => $"domains left: {string.Join(", ", madeDomains.Select(g => g.Name))}");
        var instances = Path.Combine(dataDir, "instances");
        var dirs = Directory.Exists(instances) ? Directory.GetDirectories(instances).Where(d => Guid.TryParse(Path.GetFileName(d), out _)).ToList() : [];
        report.Check(dirs.Count == 0, NothingLeft, () => $"instance dirs left: {string.Join(", ", dirs.Select(Path.GetFileName))}");
        var volumesDir = Path.Combine(dataDir, "volumes");
        var volumes = Directory.Exists(volumesDir) ? Directory.GetFiles(volumesDir) : [];
        report.Check(volumes.Length == 0, NothingLeft, () => $"volumes left: {string.Join(", ", volumes.Select(Path.GetFileName))}");
        var addresses = StoredRows.Read(Path.Combine(dataDir, "appliance.db")).Addresses;
        report.Check(addresses.Count == 0, NothingLeft, () => $"addresses still held: {string.Join(", ", addresses.Select(a => a.IpAddress))}");
    }

    /// <summary>Rate limits off, as the load harness: the workload's pace depends on the machine, and a 429 is not what it tests.</summary>
    private Task<ApplianceProcess> StartAsync(string dataDir, string libvirtUri) =>
        launcher.WithSetting("RateLimits:Enabled", "false").ServeAsync(dataDir, libvirtUri, StartWithin);

    private static HttpClient Client(ApplianceProcess appliance) =>
        new() { BaseAddress = appliance.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
}
