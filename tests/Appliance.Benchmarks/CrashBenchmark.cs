using Appliance.Benchmarks.Reliability;
using Spectre.Console;

namespace Appliance.Benchmarks;

/// <summary>
/// `crash [--kills 50] [--concurrency 6] [--seed N]`: SIGKILLs the appliance at random moments of a mixed workload on libvirt's
/// test driver, restarts it and checks the crash invariants after each restart (see docs/reliability.md).
/// </summary>
public static class CrashBenchmark
{
    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        var launcher = await PublishedBinary.ResolveAsync(arguments);
        var options = new CrashRunOptions(arguments.Int("--kills", 50))
        {
            Concurrency = arguments.Int("--concurrency", 6),
            Seed = arguments.Int("--seed", Random.Shared.Next()),
        };
        var result = await new CrashHarness(launcher, Console.WriteLine).RunAsync(options);
        AnsiConsole.Write(Table(result));
        foreach (var violation in result.Violations)
        {
            Console.WriteLine($"violation: {violation}");
        }

        Environment.ExitCode = result.Violations.Count == 0 && result.Disturbed is null ? 0 : 1;
    }

    public static Table Table(CrashRunResult result)
    {
        var restarts = result.Restarts.Select(r => r.TotalSeconds).Order().ToList();
        var table = new Table().AddColumns("crash harness", "value");
        table.AddRow("runs (appliance starts)", $"{result.Runs}");
        table.AddRow("kills (SIGKILL mid-workload)", $"{result.Kills}");
        table.AddRow("invariants checked", $"{result.InvariantsChecked}");
        table.AddRow("violations", result.Violations.Count == 0 ? "[green]0[/]" : $"[red]{result.Violations.Count}[/]");
        table.AddRow("requests (unanswered: cut by a kill)", $"{result.Workload.Requests} ({result.Workload.Unanswered})");
        table.AddRow("answered requests by kind", string.Join(", ", result.Workload.Kinds.Select(kind => $"{kind} {result.Workload.Percentiles(kind).Count}")));
        table.AddRow("servers acknowledged / deletes acknowledged / creates unanswered",
            $"{result.AcknowledgedCreates} / {result.AcknowledgedDeletes} / {result.UnansweredCreates}");
        table.AddRow("reconcile fixes logged at restarts", $"{result.ReconcileFixes}");
        table.AddRow("restart to /healthz 200, p50 / max",
            restarts.Count == 0 ? "-" : $"{restarts[restarts.Count / 2]:F1} / {restarts[^1]:F1} s");
        table.AddRow("libvirt", result.DomainsUnchecked is null ? $"{result.LibvirtUri} (domains checked)" : $"{result.LibvirtUri} (domains not checked)");
        table.AddRow("elapsed", $"{result.Elapsed.TotalSeconds:F0} s");
        if (result.Disturbed is not null)
        {
            table.AddRow("[yellow]stopped early[/]", Markup.Escape(result.Disturbed));
        }

        return table;
    }
}
