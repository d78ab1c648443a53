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

    /// <summary>Refuses (<see cref="LoginThrottledException"/>) a login whose source or user name has no failures left to spend.</summary>
    public void EnsureAdmitted(LoginAttempt attempt)
    {
        if (!_options.ThrottleEnabled)
        {
            return;
        }

        if (attempt.Source is { } source && Exhausted(_bySource, source, _options.FailuresPerSource) is { } sourceWait)
        {
            Refuse($"source:{source}", "Throttling failed logins from {Source}", source, sourceWait);
        }

        if (Exhausted(_byUser, attempt.UserKey, _options.FailuresPerUser) is { } userWait)
        {
            Refuse($"user:{attempt.UserKey}", "Throttling failed logins for user {User}", attempt.UserDisplay, userWait);
        }
    }

    /// <summary>Spends one failure from the attempt's source and user name budgets.</summary>
    public void RecordFailure(LoginAttempt attempt)
    {
        if (!_options.ThrottleEnabled)
        {
            return;
        }

        if (attempt.Source is { } source)
        {
            using var _ = _bySource.AttemptAcquire(source);
        }

        using var __ = _byUser.AttemptAcquire(attempt.UserKey);
    }

    public void Dispose()
    {
        _bySource.Dispose();
        _byUser.Dispose();
    }

    /// <summary>At most how long until the key's bucket holds a token again (one refill period), or null while it holds one.</summary>
    private TimeSpan? Exhausted(PartitionedRateLimiter<string> buckets, string key, int burst)
    {
        var statistics = buckets.GetStatistics(key);
        return statistics is null || statistics.CurrentAvailablePermits > 0 ? null : _options.FailureRefill / burst;
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

/// <summary>Who is logging in, for the throttle: the source address (null for a caller on no network, e.g. the CLI) and the user name as given.</summary>
public sealed record LoginAttempt(string? Source, string UserKey, string UserDisplay);

/// <summary>The throttle's refusal: Keystone-style 429 with Retry-After, the same whichever budget ran out.</summary>
public sealed class LoginThrottledException(TimeSpan retryAfter) : TooManyRequestsException(LoginThrottle.ThrottledMessage, retryAfter);
