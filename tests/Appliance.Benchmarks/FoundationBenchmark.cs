using Spectre.Console;

namespace Appliance.Benchmarks;

/// <summary>
/// Cold start to the first 200, idle memory, and GET /v2.1/ throughput at concurrency 16 on loopback.
/// Targets (issue 2): cold start ≤ 1 s, idle RSS ≤ 100 MB. libvirt is test:///default, so only the appliance is measured.
/// </summary>
public static class FoundationBenchmark
{
    private const int ColdStarts = 5;
    private const int Concurrency = 16;
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        var launcher = await PublishedBinary.ResolveAsync(arguments);
        var firstStarts = new List<double>();
        var restarts = new List<double>();
        for (var run = 0; run < ColdStarts; run++)
        {
            var dataDir = Directory.CreateTempSubdirectory("appliance-bench-").FullName;
            try
            {
                firstStarts.Add(await TimeToFirstOk(launcher, dataDir));
                restarts.Add(await TimeToFirstOk(launcher, dataDir));
            }
            finally
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }

        var loadDir = Directory.CreateTempSubdirectory("appliance-bench-").FullName;
        double idleRss, rssAfterLoad;
        LoadGenerator.Result load;
        await using (var appliance = launcher.Start(loadDir))
        {
            await appliance.WaitForOkAsync("/v2.1/", TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(5));
            idleRss = appliance.ResidentMiB();
            load = await LoadGenerator.RunAsync(new Uri(appliance.BaseAddress, "/v2.1/"), Concurrency, LoadDuration);
            rssAfterLoad = appliance.ResidentMiB();
        }

        Directory.Delete(loadDir, recursive: true);

        var table = new Table().AddColumns("measure", "value", "target");
        table.AddRow("cold start to first 200, new data dir (median of 5)", $"{Median(firstStarts):F0} ms", "≤ 1000 ms");
        table.AddRow("cold start to first 200, existing data dir (median of 5)", $"{Median(restarts):F0} ms", "≤ 1000 ms");
        table.AddRow("idle RSS (5 s after first 200)", $"{idleRss:F1} MiB", "≤ 100 MB");
        table.AddRow($"GET /v2.1/ at concurrency {Concurrency}, {LoadDuration.TotalSeconds:F0} s", $"{load.RequestsPerSecond:F0} req/s", "");
        table.AddRow("  latency p50 / p99", $"{load.P50Ms:F2} / {load.P99Ms:F2} ms", "");
        table.AddRow("  errors", $"{load.Errors} of {load.Requests}", "0");
        table.AddRow("RSS after load", $"{rssAfterLoad:F1} MiB", "");
        AnsiConsole.Write(table);
    }

    private static async Task<double> TimeToFirstOk(ApplianceLauncher launcher, string dataDir)
    {
        await using var appliance = launcher.Start(dataDir);
        return (await appliance.WaitForOkAsync("/v2.1/", TimeSpan.FromSeconds(30))).TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
