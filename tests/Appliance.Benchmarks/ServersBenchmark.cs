using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Appliance.Benchmarks;

/// <summary>
/// `servers`: 1,000 servers on test:///default (100 projects x the default instances quota of 10; there is no
/// quota API yet), then GET /v2.1/servers/detail of all of them as admin, and the control-plane time of a create
/// (POST -> 202, and POST -> first GET showing ACTIVE) over 100 one-at-a-time creates; then create -> ACTIVE with one NIC
/// (networks "auto") against none (networks "none"), 10 of each, alternated.
/// Targets (issue 6): detail of 1,000 servers p50 ≤ 20 ms; control-plane create ≤ 50 ms p50. Guest networking: a NIC adds
/// at most 100 ms to create -> ACTIVE (p50 against p50).
/// </summary>
public static class ServersBenchmark
{
    private const int FillProjects = 100;
    private const int ServersPerProject = 10;
    private const int FillConcurrency = 16;
    private const int TimedCreates = 100;
    private const int DetailSamples = 50;

    /// <summary>
    /// Requests before the samples: .NET runs a method's ReadyToRun code until it has been called 30 times, then swaps in
    /// fully optimized code, so the per-request methods are in their steady state only after about 30 requests.
    /// </summary>
    private const int DetailWarmUp = 40;
    private const int Concurrency = 16;
    private const double DetailTargetMs = 20;
    private const double CreateTargetMs = 50;
    private const int NicCreatesEach = 10;
    private const double NicTargetMs = 100;

    /// <summary>
    /// The default network `private` gets a /24 (about 250 addresses) unless told otherwise; every create here without
    /// networks gets a port on it, so the 1,100 servers need a /16. On test:///default the network is libvirt's in-memory
    /// one: no bridge or NAT rule is made on the host.
    /// </summary>
    private const string PrivateCidr = "10.200.0.0/16";
    private const string DetailPath = "/v2.1/servers/detail?all_tenants=1";
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BuildsWithin = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan ActiveWithin = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan GoneWithin = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        var launcher = (await PublishedBinary.ResolveAsync(arguments)).WithSetting("Networking:PrivateCidr", PrivateCidr);
        var dataDir = Directory.CreateTempSubdirectory("appliance-bench-servers-").FullName;
        try
        {
            await using var appliance = await launcher.ServeAsync(dataDir);
            using var client = new HttpClient { BaseAddress = appliance.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            var fleet = await ServerFleet.ConnectAsync(client, dataDir);
            var imageId = await fleet.UploadImageAsync();

            Console.WriteLine($"creating {FillProjects * ServersPerProject} servers in {FillProjects} projects ...");
            var fill = Stopwatch.StartNew();
            await FillAsync(fleet, await fleet.ProjectTokensAsync("bench-fill", FillProjects), imageId);
            var accepted = fill.Elapsed;
            await WaitForBuildsAsync(fleet);
            var built = fill.Elapsed;
            var (active, errors) = (await fleet.CountAsync("ACTIVE"), await fleet.CountAsync("ERROR"));

            var listed = (await fleet.SendAsync(HttpMethod.Get, DetailPath, fleet.AdminToken, null, HttpStatusCode.OK)).GetProperty("servers").GetArrayLength();
            var single = await SequentialLatenciesAsync(client, fleet.AdminToken);
            var load = await LoadGenerator.RunAsync(new Uri(appliance.BaseAddress, DetailPath), Concurrency, LoadDuration,
                request => request.Headers.Add("X-Auth-Token", fleet.AdminToken));
            var rss = appliance.ResidentMiB();

            Console.WriteLine($"timing {TimedCreates} creates one at a time ...");
            var (posts, toActive) = await TimedCreatesAsync(fleet, await fleet.ProjectTokensAsync("bench-timed", TimedCreates / ServersPerProject), imageId);

            Console.WriteLine($"timing {NicCreatesEach} creates with networks \"none\" and {NicCreatesEach} with \"auto\", alternated, each deleted before the next ...");
            var (noNic, oneNic) = await NicCreatesAsync(fleet, (await fleet.ProjectTokensAsync("bench-nic", 1))[0], imageId);
            var nicCost = Percentile(oneNic, 0.50) - Percentile(noNic, 0.50);

            var table = new Table().AddColumns("measure", "value", "target", "");
            table.AddRow($"fill: {FillProjects * ServersPerProject} creates at concurrency {FillConcurrency}, all 202",
                $"{accepted.TotalSeconds:F1} s", "", "");
            table.AddRow("fill: until none is BUILD", $"{built.TotalSeconds:F1} s ({active} ACTIVE, {errors} ERROR)", "", "");
            table.AddRow("GET servers/detail?all_tenants=1: servers in one answer", $"{listed}", "1000", Verdict(listed == 1000));
            table.AddRow($"  one client, p50 / p95 of {DetailSamples} after {DetailWarmUp} warm-up requests", $"{Percentile(single, 0.50):F1} / {Percentile(single, 0.95):F1} ms",
                $"p50 ≤ {DetailTargetMs} ms", Verdict(Percentile(single, 0.50) <= DetailTargetMs));
            // The issue asks requests/s at concurrency 16; its p50 target is the request's own cost (one client). With 16
            // clients on a 2-core box each request mostly waits its turn, so these latencies are shown without a target.
            table.AddRow($"  concurrency {Concurrency}, {LoadDuration.TotalSeconds:F0} s: p50 / p95", $"{load.P50Ms:F1} / {load.P95Ms:F1} ms", "", "");
            table.AddRow("  throughput", $"{load.RequestsPerSecond:F1} req/s ({load.Errors} errors of {load.Requests})", "", "");
            table.AddRow($"create, POST -> 202, p50 / p95 of {TimedCreates}", $"{Percentile(posts, 0.50):F1} / {Percentile(posts, 0.95):F1} ms", "", "");
            table.AddRow("create, POST -> first GET showing ACTIVE, p50 / p95", $"{Percentile(toActive, 0.50):F1} / {Percentile(toActive, 0.95):F1} ms",
                $"p50 ≤ {CreateTargetMs} ms", Verdict(Percentile(toActive, 0.50) <= CreateTargetMs));
            table.AddRow("RSS after the detail load", $"{rss:F0} MiB", "", "");
            table.AddRow($"create -> ACTIVE, networks \"none\" (2.37), no NIC: p50 / max of {NicCreatesEach}",
                $"{Percentile(noNic, 0.50):F1} / {noNic.Max():F1} ms", "", "");
            table.AddRow($"create -> ACTIVE, networks \"auto\" (2.37), one NIC: p50 / max of {NicCreatesEach}",
                $"{Percentile(oneNic, 0.50):F1} / {oneNic.Max():F1} ms", "", "");
            table.AddRow("  one NIC's cost: p50 auto - p50 none", $"{nicCost:+0.0;-0.0;0.0} ms", $"≤ {NicTargetMs} ms", Verdict(nicCost <= NicTargetMs));
            AnsiConsole.Write(table);
            Console.WriteLine($"NIC rows: {ApplianceLauncher.TestDriverUri}, where the network `private` lives in the test driver's memory (already " +
                $"holding the DHCP entries of the {FillProjects * ServersPerProject + TimedCreates} servers above): the control plane's own cost, the port " +
                "and its address in SQLite plus the DHCP entry added with virNetworkUpdate; dnsmasq's reload on a real host is not in it.");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Each project's quota worth of servers, FillConcurrency POSTs in flight at a time.</summary>
    private static async Task FillAsync(ServerFleet fleet, List<string> projectTokens, string imageId)
    {
        var work = projectTokens.SelectMany((token, project) => Enumerable.Range(0, ServersPerProject).Select(i => (token, name: $"fill-{project}-{i}")));
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = FillConcurrency },
            async (item, _) => await fleet.CreateServerAsync(item.token, item.name, imageId));
    }

    private static async Task WaitForBuildsAsync(ServerFleet fleet)
    {
        var deadline = DateTime.UtcNow + BuildsWithin;
        while (await fleet.CountAsync("BUILD") > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"servers still BUILD after {BuildsWithin}");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Latency of one detail request at a time, after a warm-up, so the number is the request's own steady cost.</summary>
    private static async Task<List<double>> SequentialLatenciesAsync(HttpClient client, string adminToken)
    {
        var latencies = new List<double>(DetailSamples);
        for (var i = -DetailWarmUp; i < DetailSamples; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, DetailPath);
            request.Headers.Add("X-Auth-Token", adminToken);
            var started = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            response.EnsureSuccessStatusCode();
            if (i >= 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return latencies;
    }

    /// <summary>One create at a time (none queues behind another's build), polled every 2 ms until ACTIVE.</summary>
    private static async Task<(List<double> Posts, List<double> ToActive)> TimedCreatesAsync(ServerFleet fleet, List<string> projectTokens, string imageId)
    {
        var posts = new List<double>(TimedCreates);
        var toActive = new List<double>(TimedCreates);
        for (var i = 0; i < TimedCreates; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var id = await fleet.CreateServerAsync(projectTokens[i / ServersPerProject], $"timed-{i}", imageId);
            posts.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await WaitForActiveAsync(fleet, id);
            toActive.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return (posts, toActive);
    }

    /// <summary>
    /// POST -> first GET showing ACTIVE of creates at 2.37 with networks "none" and "auto", alternated (none, auto, none ...)
    /// so drift weighs on both alike, one at a time in one project; each server shows the NICs it asked for (outside the
    /// timing) and is deleted, and gone, before the next create.
    /// </summary>
    private static async Task<(List<double> None, List<double> Auto)> NicCreatesAsync(ServerFleet fleet, string projectToken, string imageId)
    {
        var none = new List<double>(NicCreatesEach);
        var auto = new List<double>(NicCreatesEach);
        for (var i = 0; i < 2 * NicCreatesEach; i++)
        {
            var networks = i % 2 == 0 ? "none" : "auto";
            var started = Stopwatch.GetTimestamp();
            var id = await fleet.CreateServerAsync(projectToken, $"nic-{networks}-{i / 2}", imageId, networks);
            var server = await WaitForActiveAsync(fleet, id);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var addresses = server.GetProperty("addresses").EnumerateObject().Sum(network => network.Value.GetArrayLength());
            if (addresses != (networks == "auto" ? 1 : 0))
            {
                throw new InvalidOperationException($"server {id} (networks \"{networks}\") went ACTIVE with {addresses} addresses: {server.GetProperty("addresses")}");
            }

            (networks == "auto" ? auto : none).Add(elapsed);
            await fleet.DeleteServerAsync(projectToken, id, GoneWithin);
        }

        return (none, auto);
    }

    /// <summary>Polls the server every 2 ms while it is BUILD; the first view of it ACTIVE (anything else throws).</summary>
    private static async Task<JsonElement> WaitForActiveAsync(ServerFleet fleet, string id)
    {
        var deadline = DateTime.UtcNow + ActiveWithin;
        while (true)
        {
            var server = await fleet.ServerAsync(id);
            var status = server.GetProperty("status").GetString();
            if (status == "ACTIVE")
            {
                return server;
            }

            if (status != "BUILD" || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"server {id} is {status}, not ACTIVE: {server}");
            }

            await Task.Delay(2);
        }
    }

    private static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(fraction * sorted.Count))];
    }

    private static string Verdict(bool met) => met ? "[green]PASS[/]" : "[red]MISS[/]";
}
