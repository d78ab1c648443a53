using System.Collections.Concurrent;

namespace Appliance.Core.Identity;

/// <summary>
/// Failed logins by source address for the status page: how many, the last user name tried, when, and whether the
/// throttle refused the source. In memory and bounded (the most recent sources only); never a password.
/// </summary>
public sealed class RecentFailedLogins(TimeProvider clock)
{
    private const int MaxSources = 100;

    private readonly ConcurrentDictionary<string, FailedLoginSource> _bySource = new(StringComparer.Ordinal);

    public void Record(string? source, string userName, bool throttled)
    {
        var key = source ?? "local";
        var now = clock.GetUtcNow();
        _bySource.AddOrUpdate(key,
            _ => new FailedLoginSource(key, throttled ? 0 : 1, throttled ? 1 : 0, userName, now),
            (_, seen) => seen with
            {
                Failures = seen.Failures + (throttled ? 0 : 1),
                Throttled = seen.Throttled + (throttled ? 1 : 0),
                LastUserName = userName,
                LastAt = now,
            });
        if (_bySource.Count > MaxSources)
        {
            foreach (var oldest in _bySource.Values.OrderBy(s => s.LastAt).Take(_bySource.Count - MaxSources))
            {
                _bySource.TryRemove(oldest.Source, out _);
            }
        }
    }

    /// <summary>The sources, most recent first.</summary>
    public IReadOnlyList<FailedLoginSource> Snapshot() => _bySource.Values.OrderByDescending(s => s.LastAt).ToList();
}

/// <summary>One source's failed logins: checked and failed, refused by the throttle, the last name tried and when.</summary>
public sealed record FailedLoginSource(string Source, long Failures, long Throttled, string LastUserName, DateTimeOffset LastAt);
