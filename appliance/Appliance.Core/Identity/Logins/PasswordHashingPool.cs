using System.Collections.Concurrent;
using Appliance.Core.Configuration;

namespace Appliance.Core.Identity;

/// <summary>
/// Runs password hashing on a few threads of its own (cores − 1 by default), never on the thread pool that serves the
/// API, so a flood of logins slows only logins. A login that waits longer than the queue timeout for a free thread is
/// refused with 503 rather than piling up.
/// </summary>
public sealed class PasswordHashingPool : IDisposable
{
    public const string BusyMessage = "The appliance is busy checking other logins; try again shortly.";

    private readonly BlockingCollection<Job> _queue;
    private readonly TimeSpan _queueTimeout;

    public PasswordHashingPool(ApplianceOptions options)
    {
        var threads = options.Logins.EffectiveHashingConcurrency;
        _queueTimeout = options.Logins.HashingQueueTimeout;
        _queue = new BlockingCollection<Job>(boundedCapacity: 64 * threads);
        for (var i = 0; i < threads; i++)
        {
            new Thread(Work) { IsBackground = true, Name = $"password-hashing-{i}" }.Start();
        }
    }

    /// <summary>Runs <paramref name="hash"/> on a hashing thread; 503 (<see cref="PasswordHashingBusyException"/>) when none is free in time.</summary>
    public async Task<T> RunAsync<T>(Func<T> hash, CancellationToken cancellationToken = default)
    {
        var job = new Job(() => hash()!);
        if (!_queue.TryAdd(job))
        {
            throw new PasswordHashingBusyException();
        }

        try
        {
            return (T)await job.Result.Task.WaitAsync(_queueTimeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Still queued: take it back, so no thread spends a hash on a login nobody waits for.
            if (job.Abandon())
            {
                throw e is TimeoutException ? new PasswordHashingBusyException() : e;
            }

            return (T)await job.Result.Task; // already hashing: it is nearly done
        }
    }

    public void Dispose() => _queue.CompleteAdding();

    private void Work()
    {
        foreach (var job in _queue.GetConsumingEnumerable())
        {
            job.Run();
        }
    }

    private sealed class Job(Func<object> hash)
    {
        private const int Queued = 0, Running = 1, Abandoned = 2;
        private int _state;

        public TaskCompletionSource<object> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Abandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;

        public void Run()
        {
            if (Interlocked.CompareExchange(ref _state, Running, Queued) != Queued)
            {
                return;
            }

            try
            {
                Result.SetResult(hash());
            }
            catch (Exception e)
            {
                Result.SetException(e);
            }
        }
    }
}

/// <summary>No hashing thread was free in time: 503 with Retry-After.</summary>
public sealed class PasswordHashingBusyException() : ServiceBusyException(PasswordHashingPool.BusyMessage, TimeSpan.FromSeconds(1));
