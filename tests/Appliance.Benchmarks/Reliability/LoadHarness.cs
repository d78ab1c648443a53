using System.Diagnostics;
using System.Net;

namespace Appliance.Benchmarks.Reliability;

public sealed record LoadRunOptions(TimeSpan Duration, int Concurrency)
{
    public int Projects { get; init; } = 4;
    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromMinutes(1);
    public int Seed { get; init; } = Random.Shared.Next();
}

/// <summary>A sample of the appliance's resident memory, taken while the load ran.</summary>
public sealed record RssSample(TimeSpan At, double MiB);

public sealed record LoadRunResult(WorkloadStats Stats, TimeSpan Elapsed, IReadOnlyList<RssSample> Rss, int Concurrency)
{
    public double RequestsPerSecond => (Stats.Requests - Stats.Unanswered) / Elapsed.TotalSeconds;

    /// <summary>Unanswered requests, unexpected answers and servers gone ERROR: the run's target is none.</summary>
    public long Errors => Stats.Unexpected + Stats.Unanswered;
}

/// <summary>
/// A sustained mixed workload (creates, reads, actions, metadata, deletes) at a fixed concurrency for a fixed time, on
/// loopback against libvirt's test driver, with rate limits off and quotas lifted so every refusal is a finding.
/// Resident memory is sampled at the start, every SampleEvery and at the end.
/// </summary>
public sealed class LoadHarness(ApplianceLauncher launcher, Action<string> log)
{
    private static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(90);

    public async Task<LoadRunResult> RunAsync(LoadRunOptions options)
    {
        var dataDir = Directory.CreateTempSubdirectory("appliance-load-").FullName;
        log($"load run: {options.Duration.TotalSeconds:F0} s at concurrency {options.Concurrency}, seed {options.Seed}, data dir {dataDir}");
        // Nova's per-project limits (120 changes a minute) would turn most of this load into 429s.
        await using var appliance = launcher.WithSetting("RateLimits:Enabled", "false").Start(dataDir);
        try
        {
            await appliance.WaitForOkAsync("/healthz", StartWithin);
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency * 2 };
            using var client = new HttpClient(handler) { BaseAddress = appliance.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var setup = await ReliabilitySetup.PrepareAsync(client, dataDir, "load", options.Projects);
            var stats = new WorkloadStats();
            var workload = new MixedWorkload(setup.Targets, ledger: null, stats, options.Seed) { BootFromVolumeShare = 0.1, ReadShare = 0.3, ErrorIsFailure = true };

            var rss = new List<RssSample> { new(TimeSpan.Zero, appliance.ResidentMiB()) };
            var clock = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource(options.Duration);
            var running = workload.RunAsync(new ComputeApi(client), options.Concurrency, stop.Token);
            using var timer = new PeriodicTimer(options.SampleEvery);
            while (await Task.WhenAny(running, timer.WaitForNextTickAsync().AsTask()) != running)
            {
                rss.Add(new RssSample(clock.Elapsed, appliance.ResidentMiB()));
                log($"  {clock.Elapsed.TotalSeconds:F0} s: {stats.Requests} requests, {stats.Unexpected + stats.Unanswered} errors, RSS {rss[^1].MiB:F0} MiB");
            }

            await running;
            var elapsed = clock.Elapsed;
            rss.Add(new RssSample(elapsed, appliance.ResidentMiB()));
            return new LoadRunResult(stats, elapsed, rss, options.Concurrency);
        }
        catch (Exception)
        {
            log("the appliance's last output:\n" + string.Join("\n", appliance.Output.TakeLast(60)));
            throw;
        }
        finally
        {
            await appliance.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
