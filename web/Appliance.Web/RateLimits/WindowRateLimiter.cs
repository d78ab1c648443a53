using System.Threading.RateLimiting;

namespace Appliance.Web.RateLimits;

/// <summary>
/// A fixed-window limiter on an injectable clock that can say how much of its window is left and when it
/// ends, which /limits shows as "remaining" and "next-available" (the framework's own limiters keep both private).
/// A window starts with the first request after the last one ended.
/// </summary>
public sealed class WindowRateLimiter(int permitLimit, TimeSpan window, TimeProvider clock, string explanation) : RateLimiter
{
    private readonly Lock _lock = new();
    private int _used;
    private DateTimeOffset _windowEnds = DateTimeOffset.MinValue;

    /// <summary>Requests left in the current window and when the next one may be made.</summary>
    public readonly record struct State(int Remaining, DateTimeOffset NextAvailable);

    public State Current()
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (now >= _windowEnds)
            {
                return new State(permitLimit, now);
            }

            var remaining = permitLimit - _used;
            return new State(remaining, remaining > 0 ? now : _windowEnds);
        }
    }

    // Never idle: the per-project registry keeps each limiter for the /limits view, so the partitioned limiter must not dispose it.
    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics() => new() { CurrentAvailablePermits = Current().Remaining };

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (now >= _windowEnds)
            {
                _used = 0;
                _windowEnds = now + window;
            }

            if (_used + permitCount <= permitLimit)
            {
                _used += permitCount;
                return WindowLease.Acquired;
            }

            return new WindowLease(false, _windowEnds - now, explanation);
        }
    }

    // No queueing, as in Nova: a request over the limit is answered at once.
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private sealed class WindowLease(bool acquired, TimeSpan? retryAfter, string? reason) : RateLimitLease
    {
        public static readonly WindowLease Acquired = new(true, null, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames =>
            acquired ? [] : [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter
                : metadataName == MetadataName.ReasonPhrase.Name ? reason
                : null;
            return metadata is not null;
        }
    }
}
