using Appliance.Core.Configuration;
using Appliance.Core.Identity;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Tests.Identity;

/// <summary>The throttle's budgets and the hashing pool's bound, on their own.</summary>
public sealed class LoginThrottleTests
{
    private static LoginThrottle Throttle(Action<LoginOptions>? configure = null)
    {
        var options = new ApplianceOptions();
        configure?.Invoke(options.Logins);
        return new LoginThrottle(options, TimeProvider.System, NullLogger<LoginThrottle>.Instance);
    }

    [Fact]
    public void ASourceSprayingNames_IsRefused_WhileAnotherSourceAndTheNamesThemselvesStillGetIn()
    {
        // An hour's budget, so no failure comes back while the test runs, however slow the machine.
        using var throttle = Throttle(logins => logins.FailureRefill = TimeSpan.FromHours(1));
        for (var i = 0; i < 20; i++)
        {
            var attempt = new LoginAttempt("192.0.2.7", $"default/user-{i}", $"user-{i}");
            using var admission = throttle.Admit(attempt);
            admission.Failed();
        }

        var refused = Assert.Throws<LoginThrottledException>(() => throttle.Admit(new LoginAttempt("192.0.2.7", "default/user-0", "user-0")));
        Assert.Equal(TimeSpan.FromMinutes(3), refused.RetryAfter); // twenty an hour: one back every 3 minutes
        throttle.Admit(new LoginAttempt("192.0.2.8", "default/user-0", "user-0")).Dispose();
        throttle.Admit(new LoginAttempt(null, "default/user-0", "user-0")).Dispose();
    }

    [Fact]
    public void OneNameFloodedFromOneSource_LeavesThatSourceOtherNames()
    {
        using var throttle = Throttle(logins => logins.FailureRefill = TimeSpan.FromHours(1));
        var flood = new LoginAttempt("192.0.2.7", "default/admin", "admin");
        var refusals = 0;
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var admission = throttle.Admit(flood);
                admission.Failed();
            }
            catch (LoginThrottledException)
            {
                refusals++;
            }
        }

        Assert.Equal(90, refusals); // ten failures were checked; the rest were refused before any hashing
        throttle.Admit(new LoginAttempt("192.0.2.7", "default/alice", "alice")).Dispose();
    }

    [Fact]
    public void ConcurrentChecks_CountAgainstTheBudget_SoABurstCannotSlipPastIt()
    {
        using var throttle = Throttle(logins => logins.FailureRefill = TimeSpan.FromHours(1));
        var attempt = new LoginAttempt("192.0.2.7", "default/admin", "admin");
        var underWay = Enumerable.Range(0, 10).Select(_ => throttle.Admit(attempt)).ToList();

        Assert.Throws<LoginThrottledException>(() => throttle.Admit(attempt));
        underWay[0].Dispose(); // one check ended without a failure (a good login): its place is free again
        throttle.Admit(attempt).Dispose();
        foreach (var admission in underWay.Skip(1))
        {
            admission.Failed();
            admission.Dispose();
        }

        using (var last = throttle.Admit(attempt)) // nine failures spent: one is left
        {
            last.Failed();
        }

        Assert.Throws<LoginThrottledException>(() => throttle.Admit(attempt));
    }

    [Fact]
    public void Disabled_AdmitsEveryAttempt()
    {
        using var throttle = Throttle(logins => logins.ThrottleEnabled = false);
        var attempt = new LoginAttempt("192.0.2.7", "default/admin", "admin");
        for (var i = 0; i < 100; i++)
        {
            using var admission = throttle.Admit(attempt);
            admission.Failed();
        }
    }

    [Fact]
    public async Task HashingPool_RunsAtMostItsConcurrency_AndRefusesALoginThatWaitsPastTheTimeout()
    {
        var options = new ApplianceOptions();
        options.Logins.HashingConcurrency = 1;
        options.Logins.HashingQueueTimeout = TimeSpan.FromMilliseconds(300);
        using var pool = new PasswordHashingPool(options);
        using var gate = new ManualResetEventSlim();
        var running = 0;
        var most = 0;
        var onHashingThread = true;

        int Hash()
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            onHashingThread &= Thread.CurrentThread.Name?.StartsWith("password-hashing-", StringComparison.Ordinal) == true
                && !Thread.CurrentThread.IsThreadPoolThread;
            gate.Wait();
            Interlocked.Decrement(ref running);
            return now;
        }

        var first = pool.RunAsync(Hash);
        var second = pool.RunAsync(Hash);
        // The one hashing thread is held at the gate: the queued login gives up after the timeout with 503.
        var busy = await Assert.ThrowsAsync<PasswordHashingBusyException>(() => second);
        Assert.Equal(TimeSpan.FromSeconds(1), busy.RetryAfter);
        gate.Set();
        Assert.Equal(1, await first.WaitAsync(TimeSpan.FromSeconds(30)));

        var all = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => pool.RunAsync(Hash))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(all, concurrent => Assert.Equal(1, concurrent));
        Assert.Equal(1, most);
        Assert.True(onHashingThread, "a hash ran on the thread pool");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
