using System.Globalization;

namespace Appliance.Web.RateLimits;

/// <summary>The "rate" part of /limits as Nova's v2 limits view built it: one entry per (uri, regex), its verbs' limits inside.</summary>
public static class RateLimitsView
{
    public static List<Dictionary<string, object>> Build(IEnumerable<(ComputeRateLimitRule Rule, WindowRateLimiter.State State)> states)
    {
        var groups = new List<Dictionary<string, object>>();
        foreach (var (rule, state) in states)
        {
            var group = groups.FirstOrDefault(entry => (string)entry["uri"] == rule.Uri && (string)entry["regex"] == rule.Regex);
            if (group is null)
            {
                group = new Dictionary<string, object> { ["uri"] = rule.Uri, ["regex"] = rule.Regex, ["limit"] = new List<Dictionary<string, object>>() };
                groups.Add(group);
            }

            ((List<Dictionary<string, object>>)group["limit"]).Add(new Dictionary<string, object>
            {
                ["verb"] = rule.Verb,
                ["value"] = rule.Value,
                ["remaining"] = state.Remaining,
                ["unit"] = rule.Unit,
                ["next-available"] = state.NextAvailable.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            });
        }

        return groups;
    }
}
