using Appliance.Benchmarks.Reliability;
using Spectre.Console;

namespace Appliance.Benchmarks;

/// <summary>
/// `load [--seconds 300] [--concurrency 32]`: a sustained mixed load on loopback (test:///default, rate limits off), with
/// throughput, p50 / p99 per kind of request, errors (target 0) and resident memory at the start, every minute and the end
/// (target: flat after the first minute).
/// </summary>
public static class LoadBenchmark
{
    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        var launcher = await PublishedBinary.ResolveAsync(arguments);
        var options = new LoadRunOptions(TimeSpan.FromSeconds(arguments.Int("--seconds", 300)), arguments.Int("--concurrency", 32))
        {
            Seed = arguments.Int("--seed", Random.Shared.Next()),
        };
        var result = await new LoadHarness(launcher, Console.WriteLine).RunAsync(options);
        AnsiConsole.Write(Table(result));
        foreach (var surprise in result.Stats.Surprises)
        {
            Console.WriteLine($"error: {surprise}");
        }

        Environment.ExitCode = result.Errors == 0 ? 0 : 1;
    }

    public static Table Table(LoadRunResult result)
    {
        var stats = result.Stats;
        var (p50, p99, _) = stats.Percentiles();
        var table = new Table().AddColumns("load", "value", "target");
        table.AddRow($"requests in {result.Elapsed.TotalSeconds:F0} s at concurrency {result.Concurrency}", $"{stats.Requests}", "");
        table.AddRow("throughput", $"{result.RequestsPerSecond:F1} req/s", "");
        table.AddRow("latency p50 / p99, all requests", $"{p50:F1} / {p99:F1} ms", "");
        foreach (var kind in stats.Kinds)
        {
            var (kindP50, kindP99, count) = stats.Percentiles(kind);
            table.AddRow($"  {kind} ({count})", $"{kindP50:F1} / {kindP99:F1} ms", "");
        }

        table.AddRow("errors (unexpected status, unanswered, server gone ERROR)", Verdict(result.Errors == 0, $"{result.Errors}"), "0");
        table.AddRow("5xx", Verdict(stats.ServerErrors == 0, $"{stats.ServerErrors}"), "0");
        table.AddRow("RSS " + string.Join(" → ", result.Rss.Select(s => $"{s.At.TotalMinutes:F0}m")),
            string.Join(" → ", result.Rss.Select(s => $"{s.MiB:F0}")) + " MiB", "flat after the first minute");
        return table;
    }

    private static string Verdict(bool met, string value) => met ? $"[green]{value}[/]" : $"[red]{value}[/]";
}
