using System.Text.RegularExpressions;
using Appliance.Core.Configuration;

namespace Appliance.Web.RateLimits;

/// <summary>One of Nova's rate limits: a verb, the URI as shown to users, the regex matched against the compute URL, and its allowance.</summary>
public sealed record ComputeRateLimitRule(string Verb, string Uri, string Regex, int Value, string Unit, TimeSpan Window)
{
    private readonly Regex _pattern = new(Regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>Nova's old RateLimitingMiddleware tested re.match: anchored at the start, not at the end.</summary>
    public bool Matches(string method, string computeUrl) =>
        string.Equals(method, Verb, StringComparison.OrdinalIgnoreCase) && _pattern.Match(computeUrl) is { Success: true, Index: 0 };

    /// <summary>Nova's limit message for the fault's "details".</summary>
    public string Explanation => $"Only {Value} {Verb} request(s) can be made to {Uri} every {Unit.ToLowerInvariant()}.";

    /// <summary>The seed's rules in the order Nova listed them (DEFAULT_LIMITS), with the configured values.</summary>
    public static IReadOnlyList<ComputeRateLimitRule> From(RateLimitOptions options) =>
    [
        Rule("POST", "*", ".*", options.Post),
        Rule("POST", "*/servers", "^/servers", options.ServerPost),
        Rule("PUT", "*", ".*", options.Put),
        Rule("GET", "*changes-since*", ".*changes-since.*", options.ChangesSince),
        Rule("DELETE", "*", ".*", options.Delete),
        Rule("GET", "*/os-fping", "^/os-fping", options.Fping),
    ];

    private static ComputeRateLimitRule Rule(string verb, string uri, string regex, RateLimitValue value) =>
        new(verb, uri, regex, value.Value, value.Unit.ToUpperInvariant(), value.UnitLength());
}
