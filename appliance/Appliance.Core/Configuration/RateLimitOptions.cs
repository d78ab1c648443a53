namespace Appliance.Core.Configuration;

/// <summary>
/// Nova's old per-project API rate limits (section Appliance:RateLimits), on by default with the values its
/// RateLimitingMiddleware shipped: 120 a minute for each of POST, PUT and DELETE on any compute URL, POST on
/// /servers, and GET with changes-since.
/// </summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>POST on any compute URL ("*").</summary>
    public RateLimitValue Post { get; set; } = new();

    /// <summary>POST on */servers: server creates and actions.</summary>
    public RateLimitValue ServerPost { get; set; } = new();

    /// <summary>PUT on any compute URL.</summary>
    public RateLimitValue Put { get; set; } = new();

    /// <summary>GET with changes-since anywhere in the URL: the polling clients do.</summary>
    public RateLimitValue ChangesSince { get; set; } = new();

    /// <summary>DELETE on any compute URL.</summary>
    public RateLimitValue Delete { get; set; } = new();

    /// <summary>GET on */os-fping: each call pings guests, so Nova allowed 12 a minute.</summary>
    public RateLimitValue Fping { get; set; } = new() { Value = 12 };

    /// <summary>What is wrong with the values, in the operator's terms, or null when they are usable.</summary>
    public string? Problem() =>
        new[] { (nameof(Post), Post), (nameof(ServerPost), ServerPost), (nameof(Put), Put), (nameof(ChangesSince), ChangesSince), (nameof(Delete), Delete), (nameof(Fping), Fping) }
            .Select(rule => rule.Item2.Problem($"RateLimits:{rule.Item1}"))
            .FirstOrDefault(problem => problem is not null);
}

/// <summary>How many requests a rule allows per unit (SECOND, MINUTE, HOUR or DAY, as Nova wrote them).</summary>
public sealed class RateLimitValue
{
    public const int DefaultValue = 120;
    public const string DefaultUnit = "MINUTE";

    private static readonly Dictionary<string, TimeSpan> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SECOND"] = TimeSpan.FromSeconds(1),
        ["MINUTE"] = TimeSpan.FromMinutes(1),
        ["HOUR"] = TimeSpan.FromHours(1),
        ["DAY"] = TimeSpan.FromDays(1),
    };

    public int Value { get; set; } = DefaultValue;

    public string Unit { get; set; } = DefaultUnit;

    /// <summary>The length of one unit; only valid once <see cref="Problem"/> is null.</summary>
    public TimeSpan UnitLength() => Units[Unit];

    public string? Problem(string name) =>
        Value <= 0 ? $"{name}:Value must be a positive number of requests, not {Value}"
        : !Units.ContainsKey(Unit) ? $"{name}:Unit must be SECOND, MINUTE, HOUR or DAY, not '{Unit}'"
        : null;
}
