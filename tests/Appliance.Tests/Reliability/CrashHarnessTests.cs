using Appliance.Benchmarks;
using Appliance.Benchmarks.Reliability;
using Xunit.Abstractions;

namespace Appliance.Tests.Reliability;

/// <summary>
/// The short crash harness: 5 SIGKILLs of the real executable at random moments of a mixed workload, each followed by a
/// restart on the same data dir and every crash invariant (docs/reliability.md). The long version is
/// `dotnet run -c Release --project tests/Appliance.Benchmarks -- crash --kills 50`.
/// </summary>
[Trait("Tier", "e2e")] // real processes, six starts: about a minute on a busy CI box
[Collection(HarnessCollection.Name)]
public sealed class CrashHarnessTests(ITestOutputHelper output)
{
    private const int Kills = 5;

    [Fact]
    public async Task KillsDuringAMixedWorkload_BreakNoInvariant()
    {
        var launcher = ApplianceLauncher.BuildOutput();
        var result = await new CrashHarness(launcher, output.WriteLine).RunAsync(new CrashRunOptions(Kills) { Concurrency = 4 });

        output.WriteLine($"{result.Runs} runs, {result.Kills} kills, {result.InvariantsChecked} invariants checked, {result.Violations.Count} violations; " +
            $"{result.Workload.Requests} requests ({result.Workload.Unanswered} cut by a kill), {result.AcknowledgedCreates} servers acknowledged, " +
            $"{result.ReconcileFixes} reconcile fixes, {result.Elapsed.TotalSeconds:F0} s; {result.DomainsUnchecked ?? "domains checked"}");
        Assert.True(result.Violations.Count == 0, string.Join("\n", result.Violations));
        Assert.True(result.Disturbed is null, result.Disturbed);
        Assert.Equal(Kills, result.Kills);
        Assert.True(result.AcknowledgedCreates > 0, "the workload had servers created");
    }
}
