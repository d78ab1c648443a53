using System.Diagnostics;
using System.Globalization;
using System.Text;
using Appliance.Hypervisor.Driver;
using Appliance.Tests.Hypervisor;
using Xunit.Abstractions;

namespace Appliance.Tests.EndToEnd;

/// <summary>
/// Per-phase spawn times of the test guest over five runs (the first a base-cache miss), printed as a table.
/// It boots five guests, so it runs only when asked: APPLIANCE_BENCHMARK=1 dotnet test --filter Tier=benchmark.
/// </summary>
[Trait("Tier", "benchmark")]
[Collection(LibvirtCollection.Name)]
public sealed class SpawnBenchmark(ITestOutputHelper output)
{
    private const int Runs = 5;

    [SkippableFact]
    public async Task SpawnPhases_OverFiveRuns()
    {
        Skip.If(Environment.GetEnvironmentVariable("APPLIANCE_BENCHMARK") != "1", "boots five guests; set APPLIANCE_BENCHMARK=1 to run it");
        var testGuest = await QemuEndToEnd.RequireGuestAsync();
        using var fixture = QemuEndToEnd.Driver();
        var rows = new List<(SpawnReport Report, TimeSpan Ready)>();
        var root = fixture.Image("bench-root", 64);
        for (var run = 0; run < Runs; run++)
        {
            var request = QemuEndToEnd.GuestRequest(fixture, testGuest, "bench") with { Image = root };
            var watch = Stopwatch.StartNew();
            var report = await fixture.Driver.SpawnAsync(request);
            await ConsoleWaiter.WaitForAsync(fixture.Driver, request.Uuid, t => t.Contains(TestGuest.ReadyMarker), "ready marker");
            rows.Add((report, watch.Elapsed));
            await fixture.Driver.DestroyAsync(request.Uuid);
        }

        output.WriteLine(Table(rows));
        Assert.False(rows[0].Report.BaseImageWasCached);
        Assert.All(rows.Skip(1), r => Assert.True(r.Report.BaseImageWasCached));
    }

    internal static string Table(IReadOnlyList<(SpawnReport Report, TimeSpan Ready)> rows)
    {
        string[] phases = [SpawnPhases.BaseImage, SpawnPhases.RootDisk, SpawnPhases.BootFiles, SpawnPhases.Swap, SpawnPhases.ConfigDrive, SpawnPhases.Define, SpawnPhases.Start];
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"run",-10}{string.Join("", phases.Select(p => $"{p,20}"))}{"before start",14}{"to ready",10}");
        foreach (var (report, ready) in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(report.BaseImageWasCached ? "cache hit" : "cache miss"),-10}");
            foreach (var phase in phases)
            {
                text.Append(CultureInfo.InvariantCulture, $"{report.Of(phase).TotalMilliseconds,17:F0} ms");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"{report.BeforeStart.TotalMilliseconds,11:F0} ms{ready.TotalSeconds,8:F1} s");
        }

        return text.ToString();
    }
}
