using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Appliance.Core.Configuration;
using Appliance.Web.Compute;
using Appliance.Web.Identity;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.RateLimits;

/// <summary>
/// Every project's limiter for every rule, kept here so /limits can show what a project has used, and the
/// one partitioned limiter the ASP.NET Core rate-limiting middleware enforces them with.
/// </summary>
public sealed class ProjectRateLimits(ApplianceOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string Project, int Rule), WindowRateLimiter> _limiters = new();

    public IReadOnlyList<ComputeRateLimitRule> Rules { get; } = ComputeRateLimitRule.From(options.RateLimits);

    public bool Enabled => options.RateLimits.Enabled;

    /// <summary>The state of each rule for a project, in rule order; a rule it never used is full.</summary>
    public IReadOnlyList<(ComputeRateLimitRule Rule, WindowRateLimiter.State State)> StateOf(string projectId) =>
        Rules.Select((rule, index) => (rule, _limiters.TryGetValue((projectId, index), out var limiter)
            ? limiter.Current()
            : new WindowRateLimiter.State(rule.Value, clock.GetUtcNow()))).ToList();

    /// <summary>
    /// One limiter per rule, partitioned by the token's project, chained so a request counts against every
    /// rule it matches. Requests without a project, and calls outside the compute API, are not limited.
    /// </summary>
    public PartitionedRateLimiter<HttpContext> CreateLimiter() =>
        PartitionedRateLimiter.CreateChained(Rules.Select((rule, index) => PartitionedRateLimiter.Create<HttpContext, string>(context =>
            context.GetRequestContext()?.ProjectId is { } projectId
            && ComputeUrl(context.Request) is { } url
            && rule.Matches(context.Request.Method, url)
                ? RateLimitPartition.Get(projectId, project => For(project, index))
                : RateLimitPartition.GetNoLimiter(string.Empty))).ToArray());

    private WindowRateLimiter For(string projectId, int ruleIndex) =>
        _limiters.GetOrAdd((projectId, ruleIndex), key =>
        {
            var rule = Rules[key.Rule];
            return new WindowRateLimiter(rule.Value, rule.Window, clock, rule.Explanation);
        });

    /// <summary>The URL as Nova's limits saw it below the version (and folded project id): "/servers/detail?changes-since=...".</summary>
    public static string? ComputeUrl(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        foreach (var version in ComputeApiGroups.Versions)
        {
            var prefix = "/" + version;
            if (path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/'))
            {
                return path[prefix.Length..] + request.QueryString.Value;
            }
        }

        return null;
    }
}
