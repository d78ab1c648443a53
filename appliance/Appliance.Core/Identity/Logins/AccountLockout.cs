using System.Globalization;
using Appliance.Core.Configuration;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Identity;

/// <summary>
/// Keystone's lockout (security_compliance lockout_failure_attempts, lockout_duration): a user whose consecutive failed
/// logins reach the limit is locked until the duration has passed since the last of them, or an admin unlocks them
/// (or resets their password). A good login clears the count. The count lives in the store, so it survives restarts.
/// </summary>
public sealed class AccountLockout(Database database, ApplianceOptions options, TimeProvider clock, ILogger<AccountLockout> logger)
{
    private LoginOptions Settings => options.Logins;

    private bool Enabled => Settings.LockoutFailureAttempts > 0;

    /// <summary>Whether a user with these stored failures is locked now.</summary>
    public bool IsLocked(long failedCount, string? failedAt) =>
        Enabled && failedCount >= Settings.LockoutFailureAttempts && failedAt is not null
        && DateTimeOffset.Parse(failedAt, CultureInfo.InvariantCulture) + Settings.LockoutDuration > clock.GetUtcNow();

    /// <summary>Counts one more failure; a lock that has run out starts the count again, as Keystone resets it.</summary>
    public async Task RecordFailureAsync(string userId, string userName, CancellationToken cancellationToken = default)
    {
        if (!Enabled)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var count = await database.WriteAsync((connection, transaction) => connection.ExecuteScalarAsync<long>("""
            UPDATE users SET
                failed_auth_count = CASE WHEN failed_auth_count >= @limit AND failed_auth_at <= @expired THEN 1 ELSE failed_auth_count + 1 END,
                failed_auth_at = @now
            WHERE id = @userId
            RETURNING failed_auth_count
            """, new
        {
            userId,
            limit = Settings.LockoutFailureAttempts,
            expired = Stamp(now - Settings.LockoutDuration),
            now = Stamp(now),
        }, transaction), cancellationToken);
        if (count == Settings.LockoutFailureAttempts)
        {
            logger.LogWarning("User {UserName} ({UserId}) locked after {Failures} failed logins until {Until:O}",
                userName, userId, count, now + Settings.LockoutDuration);
        }
    }

    /// <summary>Clears the failures after a good login (a no-op write is skipped: most users have none).</summary>
    public Task ClearAsync(string userId, CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "UPDATE users SET failed_auth_count = 0, failed_auth_at = NULL WHERE id = @userId AND failed_auth_count > 0",
            new { userId }, transaction), cancellationToken);

    /// <summary>An admin's unlock; false when there is no such user.</summary>
    public async Task<bool> UnlockAsync(string userId, CancellationToken cancellationToken = default)
    {
        var changed = await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "UPDATE users SET failed_auth_count = 0, failed_auth_at = NULL WHERE id = @userId", new { userId }, transaction), cancellationToken);
        if (changed > 0)
        {
            logger.LogInformation("User {UserId} unlocked by an admin", userId);
        }

        return changed > 0;
    }

    /// <summary>The users locked now, with when each lock runs out.</summary>
    public async Task<IReadOnlyList<LockedUser>> LockedAsync(CancellationToken cancellationToken = default)
    {
        if (!Enabled)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<LockedRow>("""
            SELECT id AS Id, name AS Name, failed_auth_at AS FailedAt FROM users
            WHERE failed_auth_count >= @limit AND failed_auth_at > @expired ORDER BY name
            """, new { limit = Settings.LockoutFailureAttempts, expired = Stamp(clock.GetUtcNow() - Settings.LockoutDuration) });
        return rows.Select(row => new LockedUser(row.Id, row.Name, DateTimeOffset.Parse(row.FailedAt, CultureInfo.InvariantCulture) + Settings.LockoutDuration)).ToList();
    }

    // One fixed-width UTC format, so the store's text comparisons order them as times.
    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    internal sealed class LockedRow
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public string FailedAt { get; init; } = "";
    }
}

/// <summary>A locked user and when the lock runs out.</summary>
public sealed record LockedUser(string Id, string Name, DateTimeOffset LockedUntil);
