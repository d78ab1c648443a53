namespace Appliance.Benchmarks.Reliability;

/// <summary>
/// The values a field may show after a crash: the last one acknowledged, plus every one sent since that was never answered
/// (the appliance may or may not have committed it before it died).
/// </summary>
public sealed class Allowed<T>
{
    private readonly HashSet<T> _values;

    public Allowed(T acknowledged) => _values = [acknowledged];

    public IReadOnlyCollection<T> Values => _values;

    public void Acknowledge(T value)
    {
        _values.Clear();
        _values.Add(value);
    }

    public void Unanswered(T value) => _values.Add(value);

    public bool Permits(T value) => _values.Contains(value);

    public override string ToString() => string.Join(" | ", _values.Select(v => v?.ToString() ?? "(absent)"));
}

public enum DeleteState
{
    None,
    Unanswered,
    Acknowledged,
}

/// <summary>A server whose create was acknowledged (202), and every change to it the client has sent since.</summary>
public sealed class TrackedServer(string id, int project, string name, IReadOnlyDictionary<string, string> metadata)
{
    public string Id { get; } = id;

    public int Project { get; } = project;

    public Allowed<string> Name { get; } = new(name);

    /// <summary>Each key ever touched; an allowed null means "absent".</summary>
    public Dictionary<string, Allowed<string?>> Metadata { get; } =
        metadata.ToDictionary(pair => pair.Key, pair => new Allowed<string?>(pair.Value), StringComparer.Ordinal);

    public Allowed<bool> Locked { get; } = new(false);

    public DeleteState Delete { get; set; }

    /// <summary>Request ids of acknowledged actions: each must be an instance action of the server.</summary>
    public List<string> ActionRequestIds { get; } = [];

    /// <summary>The status the owner last saw; a hint for choosing a valid action, never checked.</summary>
    public string LastStatus { get; set; } = "BUILD";

    /// <summary>The flavor name the owner last saw: which way a resize goes.</summary>
    public string Flavor { get; set; } = "";

    public Allowed<string?> MetadataKey(string key)
    {
        if (!Metadata.TryGetValue(key, out var allowed))
        {
            Metadata[key] = allowed = new Allowed<string?>(null);
        }

        return allowed;
    }
}

/// <summary>What the workload's clients were told: the ledger the crash invariants compare the appliance against.</summary>
public sealed class AcknowledgedChanges
{
    private readonly Lock _gate = new();
    private readonly List<TrackedServer> _servers = [];

    /// <summary>Creates sent and never answered: such a server may or may not exist.</summary>
    public int UnansweredCreates { get; private set; }

    public void Created(TrackedServer server)
    {
        lock (_gate)
        {
            _servers.Add(server);
        }
    }

    public void CreateUnanswered()
    {
        lock (_gate)
        {
            UnansweredCreates++;
        }
    }

    public IReadOnlyList<TrackedServer> Servers
    {
        get
        {
            lock (_gate)
            {
                return _servers.ToList();
            }
        }
    }
}
