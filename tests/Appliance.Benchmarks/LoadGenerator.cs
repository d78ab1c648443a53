using System.Diagnostics;

namespace Appliance.Benchmarks;

/// <summary>A closed-loop load on one URL: N workers, each sending its next request when the last returns.</summary>
public static class LoadGenerator
{
    public sealed record Result(long Requests, long Errors, TimeSpan Elapsed, double P50Ms, double P95Ms, double P99Ms)
    {
        public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
    }

    /// <summary>Bounded in time; traffic goes only to the given (loopback) address.</summary>
    public static async Task<Result> RunAsync(Uri url, int concurrency, TimeSpan duration, Action<HttpRequestMessage>? prepare = null)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler);
        var latencies = new List<double>[concurrency];
        long errors = 0;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<double>(100_000);
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                prepare?.Invoke(request);
                try
                {
                    using var response = await client.SendAsync(request);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = stopwatch.Elapsed;
        var all = latencies.SelectMany(list => list).Order().ToArray();
        return new Result(all.Length, errors, elapsed, Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(fraction * sorted.Length))];
}
