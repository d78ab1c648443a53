using Appliance.Benchmarks;
using Appliance.Benchmarks.Reliability;
using Xunit.Abstractions;

namespace Appliance.Tests.Reliability;

/// <summary>
/// The short load: the mixed workload at concurrency 32 for 20 s on loopback (test:///default, rate limits off, quotas
/// lifted). Every request must be answered with what its client expected: no 5xx, no refusal. The long version, with the
/// throughput, p99 and memory table, is `dotnet run -c Release --project tests/Appliance.Benchmarks -- load`.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(HarnessCollection.Name)]
public sealed class LoadHarnessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MixedLoadAtConcurrency32_AnswersEveryRequestAsExpected()
    {
        var launcher = ApplianceLauncher.BuildOutput();
        var result = await new LoadHarness(launcher, output.WriteLine).RunAsync(new LoadRunOptions(TimeSpan.FromSeconds(20), Concurrency: 32)
        {
            SampleEvery = TimeSpan.FromSeconds(10),
        });

        var (p50, p99, _) = result.Stats.Percentiles();
        output.WriteLine($"{result.Stats.Requests} requests, {result.RequestsPerSecond:F1} req/s, p50 {p50:F1} ms, p99 {p99:F1} ms, " +
            $"{result.Errors} errors, {result.Stats.ServerErrors} 5xx, RSS {string.Join(" -> ", result.Rss.Select(s => $"{s.MiB:F0}"))} MiB");
        Assert.True(result.Stats.Requests > 0, "the load sent requests");
        Assert.True(result.Stats.ServerErrors == 0 && result.Errors == 0, string.Join("\n", result.Stats.Surprises));
    }
}
