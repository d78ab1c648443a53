using System.Collections.Concurrent;
using System.Net;

namespace Appliance.Benchmarks.Reliability;

/// <summary>Latency and outcome of every request a workload sent, by kind (create, show, stop, ...).</summary>
public sealed class WorkloadStats
{
    private const int KeptSurprises = 50;
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latencies = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _surprises = new();
    private long _requests;
    private long _unanswered;
    private long _unexpected;
    private long _serverErrors;

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Sent and never answered (connection refused or cut by a kill).</summary>
    public long Unanswered => Interlocked.Read(ref _unanswered);

    /// <summary>Answered with a status the client did not expect for the state it had just seen (5xx included).</summary>
    public long Unexpected => Interlocked.Read(ref _unexpected);

    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    /// <summary>The first unexpected answers, each with the call and its body.</summary>
    public IReadOnlyList<string> Surprises => _surprises.ToArray();

    public void Answered(string kind, double milliseconds, HttpStatusCode status, bool expected, string call, string body)
    {
        Interlocked.Increment(ref _requests);
        _latencies.GetOrAdd(kind, _ => []).Add(milliseconds);
        if ((int)status >= 500)
        {
            Interlocked.Increment(ref _serverErrors);
        }

        if (!expected)
        {
            Interlocked.Increment(ref _unexpected);
            if (_surprises.Count < KeptSurprises)
            {
                _surprises.Enqueue($"{call} -> {(int)status} {Truncate(body)}");
            }
        }
    }

    /// <summary>Something went wrong that no status code shows, e.g. a server that went ERROR with nothing to interrupt it.</summary>
    public void Failed(string what)
    {
        Interlocked.Increment(ref _unexpected);
        if (_surprises.Count < KeptSurprises)
        {
            _surprises.Enqueue(Truncate(what));
        }
    }

    public void NotAnswered()
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _unanswered);
    }

    /// <summary>p50 and p99 in ms over every answered request, or of one kind.</summary>
    public (double P50, double P99, int Count) Percentiles(string? kind = null)
    {
        var values = (kind is null ? _latencies.Values.SelectMany(bag => bag) : _latencies.GetValueOrDefault(kind) ?? []).Order().ToArray();
        return values.Length == 0 ? (double.NaN, double.NaN, 0) : (At(values, 0.50), At(values, 0.99), values.Length);
    }

    public IReadOnlyList<string> Kinds => _latencies.Keys.Order(StringComparer.Ordinal).ToList();

    private static double At(double[] sorted, double fraction) => sorted[Math.Min(sorted.Length - 1, (int)(fraction * sorted.Length))];

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
