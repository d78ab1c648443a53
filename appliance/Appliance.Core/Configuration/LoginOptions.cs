namespace Appliance.Core.Configuration;

/// <summary>
/// How the appliance protects its password logins (section Appliance:Logins): a throttle on failed logins per source
/// address and per user name, Keystone's lockout (security_compliance), and a bound on password hashing.
/// </summary>
public sealed class LoginOptions
{
    /// <summary>Refuse logins (429) from a source or for a name whose failures outran their budget; false turns the throttle off.</summary>
    public bool ThrottleEnabled { get; set; } = true;

    /// <summary>Failed logins one source address may make in a burst; one more comes back every <see cref="FailureRefill"/> / this.</summary>
    public int FailuresPerSource { get; set; } = 20;

    /// <summary>Failed logins for one user name (from anywhere) in a burst.</summary>
    public int FailuresPerUser { get; set; } = 10;

    /// <summary>The time in which a full burst of failures comes back.</summary>
    public TimeSpan FailureRefill { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Keystone's lockout_failure_attempts: consecutive failures that lock a user; 0 turns lockout off.</summary>
    public int LockoutFailureAttempts { get; set; } = 6;

    /// <summary>Keystone's lockout_duration: how long a locked user stays locked unless an admin unlocks them.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Password hashes computed at once; 0 means one fewer than the host's cores (at least one).</summary>
    public int HashingConcurrency { get; set; }

    /// <summary>How long a login waits for a free hashing slot before it is refused with 503.</summary>
    public TimeSpan HashingQueueTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The hashing slots to use: the setting, else cores − 1, at least 1.</summary>
    public int EffectiveHashingConcurrency => HashingConcurrency > 0 ? HashingConcurrency : Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>What is wrong with the values, in the operator's terms, or null when they are usable.</summary>
    public string? Problem() =>
        FailuresPerSource < 1 ? "Logins:FailuresPerSource must be at least 1."
        : FailuresPerUser < 1 ? "Logins:FailuresPerUser must be at least 1."
        : FailureRefill <= TimeSpan.Zero ? "Logins:FailureRefill must be longer than zero."
        : LockoutFailureAttempts < 0 ? "Logins:LockoutFailureAttempts must be 0 (off) or more."
        : LockoutDuration <= TimeSpan.Zero ? "Logins:LockoutDuration must be longer than zero."
        : HashingConcurrency < 0 ? "Logins:HashingConcurrency must be 0 (automatic) or more."
        : HashingQueueTimeout <= TimeSpan.Zero ? "Logins:HashingQueueTimeout must be longer than zero."
        : null;
}
