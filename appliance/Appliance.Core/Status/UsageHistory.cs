using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Status;

/// <summary>The last hour of host-wide usage, sampled in-process once a minute: what the dashboard's graphs draw.</summary>
public sealed class UsageHistory(UsageCounter counter, TimeProvider clock, ILogger<UsageHistory> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    public const int Capacity = 60;

    private readonly Lock _gate = new();
    private readonly Queue<UsageSample> _samples = new(Capacity);

    public IReadOnlyList<UsageSample> Samples
    {
        get
        {
            lock (_gate)
            {
                return _samples.ToList();
            }
        }
    }

    public void Add(UsageSample sample)
    {
        lock (_gate)
        {
            if (_samples.Count == Capacity)
            {
                _samples.Dequeue();
            }

            _samples.Enqueue(sample);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                Add(await counter.SampleAsync(cancellationToken: stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A missed point leaves a gap in a graph; it must never stop the sampling.
                logger.LogWarning(e, "Could not sample usage for the status page");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
