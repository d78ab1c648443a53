namespace Appliance.Web.Observability;

/// <summary>One answered API request, as the status page lists it for debugging.</summary>
public sealed record RequestLogEntry(
    DateTimeOffset At, string Method, string Path, int Status, double DurationMs, string RequestId, string? ProjectId)
{
    public bool IsError => Status >= 400;
}

/// <summary>The last few hundred API requests in memory: a ring, so it never grows, and a live feed for the status page.</summary>
public sealed class RequestLog
{
    public const int Capacity = 200;

    private readonly Lock _gate = new();
    private readonly Queue<RequestLogEntry> _entries = new(Capacity);

    /// <summary>Raised on the request's thread after an entry is added; subscribers only hand it on.</summary>
    public event Action<RequestLogEntry>? Added;

    public void Add(RequestLogEntry entry)
    {
        lock (_gate)
        {
            if (_entries.Count == Capacity)
            {
                _entries.Dequeue();
            }

            _entries.Enqueue(entry);
        }

        Added?.Invoke(entry);
    }

    /// <summary>Newest first; only one project's when projectId is given.</summary>
    public IReadOnlyList<RequestLogEntry> Recent(string? projectId = null)
    {
        lock (_gate)
        {
            return _entries.Reverse().Where(entry => projectId is null || entry.ProjectId == projectId).ToList();
        }
    }
}
