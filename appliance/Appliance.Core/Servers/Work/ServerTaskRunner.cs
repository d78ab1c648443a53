using System.Collections.Concurrent;
using Appliance.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>
/// Runs server operations in the background: one at a time per server (a lane each), builds bounded by
/// MaxConcurrentBuilds. Work that fails records its own fault; the runner only logs what escapes.
/// </summary>
public sealed class ServerTaskRunner(ApplianceOptions options, ILogger<ServerTaskRunner> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _lanes = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _builds = new(Math.Max(1, options.Servers.MaxConcurrentBuilds));
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Queues a build: it waits for a build slot first, then for the server's lane.</summary>
    public void RunBuild(string uuid, Func<CancellationToken, Task> work) => Start(uuid, work, isBuild: true);

    public void Run(string uuid, Func<CancellationToken, Task> work) => Start(uuid, work, isBuild: false);

    /// <summary>Runs work in the server's lane and answers its result: a request that changes the guest while the caller waits (os-interface).</summary>
    public async Task<T> RunInLaneAsync<T>(string uuid, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var lane = _lanes.GetOrAdd(uuid, _ => new SemaphoreSlim(1));
        await lane.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(_stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            lane.Release();
        }
    }

    /// <summary>Completes when nothing is queued or running; for tests, benchmarks and shutdown.</summary>
    public async Task WhenIdleAsync()
    {
        while (!_running.IsEmpty)
        {
            await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        }
    }

    private void Start(string uuid, Func<CancellationToken, Task> work, bool isBuild)
    {
        var token = _stopping.Token;
        var task = Task.Run(async () =>
        {
            var holdsBuildSlot = false;
            try
            {
                if (isBuild)
                {
                    await _builds.WaitAsync(token).ConfigureAwait(false);
                    holdsBuildSlot = true;
                }

                var lane = _lanes.GetOrAdd(uuid, _ => new SemaphoreSlim(1));
                await lane.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    await work(token).ConfigureAwait(false);
                }
                finally
                {
                    lane.Release();
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Shutting down: the reconciler finishes or fails this operation at the next start.
            }
            catch (Exception e)
            {
                logger.LogError(e, "Operation on server {Uuid} failed outside its own error handling", uuid);
            }
            finally
            {
                if (holdsBuildSlot)
                {
                    _builds.Release();
                }
            }
        }, CancellationToken.None);
        _running[task] = 0;
        task.ContinueWith(done => _running.TryRemove(done, out _), TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAny(WhenIdleAsync(), Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
