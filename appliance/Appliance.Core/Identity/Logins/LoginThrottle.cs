using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Appliance.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Identity;

/// <summary>
/// Budgets for failed logins, one token bucket per source address and one per user name (.NET's rate limiter). Only
/// failures spend a token; a login is admitted while both of its buckets hold one, and checked before any lookup or
/// hashing, so a refused attempt costs almost nothing. A good login never waits on the throttle.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    public const string ThrottledMessage = "Too many failed logins; try again later.";

    private readonly LoginOptions _options;
    private readonly ILogger<LoginThrottle> _logger;
    private readonly TimeProvider _clock;
    private readonly PartitionedRateLimiter<string> _bySource;
    private readonly PartitionedRateLimiter<string> _byUser;
    // Logins admitted and still being checked, by budget key: they may yet spend a token each.
    private readonly ConcurrentDictionary<string, int> _pending = new(StringComparer.Ordinal);
    // When each throttled key was last logged, so a flood writes one line per episode, not one per attempt.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _logged = new(StringComparer.Ordinal);

    public LoginThrottle(ApplianceOptions options, TimeProvider clock, ILogger<LoginThrottle> logger)
    {
        _options = options.Logins;
        _clock = clock;
        _logger = logger;
        _bySource = Buckets(_options.FailuresPerSource);
        _byUser = Buckets(_options.FailuresPerUser);
    }

    /// <summary>
    /// Admits a login whose source and user name have failures left to spend, or refuses it (<see cref="LoginThrottledException"/>).
    /// Logins being checked count against the budget until they end, so a burst of concurrent guesses cannot all slip in
    /// before the first of them fails; dispose the admission when the check is over.
    /// </summary>
    public Admission Admit(LoginAttempt attempt)
    {
        if (!_options.ThrottleEnabled)
        {
            return new Admission(this, attempt, counted: false);
        }

        var admission = new Admission(this, attempt, counted: true);
        if (attempt.Source is { } source && Exhausted(_bySource, $"source:{source}", source, _options.FailuresPerSource) is { } sourceWait)
        {
            admission.Dispose();
            Refuse($"source:{source}", "Throttling failed logins from {Source}", source, sourceWait);
        }

        if (Exhausted(_byUser, $"user:{attempt.UserKey}", attempt.UserKey, _options.FailuresPerUser) is { } userWait)
        {
            admission.Dispose();
            Refuse($"user:{attempt.UserKey}", "Throttling failed logins for user {User}", attempt.UserDisplay, userWait);
        }

        return admission;
    }

    /// <summary>Spends one failure from the attempt's source and user name budgets.</summary>
    internal void RecordFailure(LoginAttempt attempt)
    {
        if (attempt.Source is { } source)
        {
            using var _ = _bySource.AttemptAcquire(source);
        }

        using var __ = _byUser.AttemptAcquire(attempt.UserKey);
    }

    internal void Pending(LoginAttempt attempt, int change)
    {
        if (attempt.Source is { } source)
        {
            Pending($"source:{source}", change);
        }

        Pending($"user:{attempt.UserKey}", change);
    }

    private void Pending(string key, int change)
    {
        if (_pending.AddOrUpdate(key, change, (_, n) => n + change) == 0)
        {
            // Only keys with checks under way stay: a sprayed name leaves nothing behind.
            _pending.TryRemove(KeyValuePair.Create(key, 0));
        }
    }

    public void Dispose()
    {
        _bySource.Dispose();
        _byUser.Dispose();
    }

    /// <summary>
    /// At most how long until the key's bucket holds a token again (one refill period), or null while its tokens outnumber
    /// the logins being checked (this one included).
    /// </summary>
    private TimeSpan? Exhausted(PartitionedRateLimiter<string> buckets, string pendingKey, string key, int burst)
    {
        var available = buckets.GetStatistics(key)?.CurrentAvailablePermits ?? burst;
        return available - _pending.GetValueOrDefault(pendingKey) >= 0 ? null : _options.FailureRefill / burst;
    }

    private void Refuse(string key, string message, string subject, TimeSpan wait)
    {
        var now = _clock.GetUtcNow();
        if (!_logged.TryGetValue(key, out var last) || now - last > _options.FailureRefill)
        {
            _logged[key] = now;
            _logger.LogWarning(message + " for {Seconds} s or more", subject, (int)Math.Ceiling(wait.TotalSeconds));
        }

        throw new LoginThrottledException(wait);
    }

    private PartitionedRateLimiter<string> Buckets(int burst) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = _options.FailureRefill / burst,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}

/// <summary>One admitted login: <see cref="Failed"/> spends from its budgets; disposing ends its check.</summary>
public sealed class Admission : IDisposable
{
    private readonly LoginThrottle _throttle;
    private readonly LoginAttempt _attempt;
    private int _counted;

    internal Admission(LoginThrottle throttle, LoginAttempt attempt, bool counted)
    {
        _throttle = throttle;
        _attempt = attempt;
        _counted = counted ? 1 : 0;
        if (counted)
        {
            throttle.Pending(attempt, +1);
        }
    }

    public void Failed()
    {
        if (Volatile.Read(ref _counted) == 1)
        {
            _throttle.RecordFailure(_attempt);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _counted, 0) == 1)
        {
            _throttle.Pending(_attempt, -1);
        }
    }
}

/// <summary>Who is logging in, for the throttle: the source address (null for a caller on no network, e.g. the CLI) and the user name as given.</summary>
public sealed record LoginAttempt(string? Source, string UserKey, string UserDisplay);

/// <summary>The throttle's refusal: Keystone-style 429 with Retry-After, the same whichever budget ran out.</summary>
public sealed class LoginThrottledException(TimeSpan retryAfter) : TooManyRequestsException(LoginThrottle.ThrottledMessage, retryAfter);
