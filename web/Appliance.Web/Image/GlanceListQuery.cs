using System.Globalization;
using Appliance.Core.Images;
using Appliance.Web.Faults;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Image;

/// <summary>GET /image/v2/images query strings: Glance's filters, sort forms and paging.</summary>
public static class GlanceListQuery
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 1000;

    public static ImageQuery Parse(IQueryCollection query)
    {
        var visibility = query.Last("visibility");
        if (visibility is not null && visibility != "all" && !ImageVisibility.All.Contains(visibility))
        {
            throw Invalid($"Invalid visibility value: {visibility}");
        }

        return new ImageQuery
        {
            Name = query.Last("name"),
            Status = query.Last("status"),
            Visibility = visibility == "all" ? null : visibility,
            Owner = query.Last("owner"),
            Ids = Ids(query.Last("id")),
            Tags = query["tag"].Where(tag => !string.IsNullOrEmpty(tag)).Select(tag => tag!).ToList(),
            Sort = Sort(query),
            Limit = Limit(query.Last("limit")),
            Marker = query.Last("marker"),
        };
    }

    /// <summary>"id=X" or Glance's "id=in:X,Y".</summary>
    private static List<string>? Ids(string? value) => value switch
    {
        null => null,
        _ when value.StartsWith("in:", StringComparison.Ordinal) =>
            value[3..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(id => id.Trim('"')).ToList(),
        _ => [value],
    };

    private static int Limit(string? value)
    {
        if (value is null)
        {
            return DefaultLimit;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
        {
            throw Invalid("limit param must be an integer");
        }

        return limit <= 0 ? throw Invalid("limit param must be positive") : Math.Min(limit, MaxLimit);
    }

    /// <summary>Either sort=key:dir,key2 or the older sort_key / sort_dir pairs; created_at desc by default.</summary>
    private static IReadOnlyList<(string Key, bool Descending)> Sort(IQueryCollection query)
    {
        var keys = new List<(string, bool)>();
        if (query.Last("sort") is { } sort)
        {
            foreach (var part in sort.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var pieces = part.Split(':', 2);
                keys.Add((Key(pieces[0]), pieces.Length == 2 && Descending(pieces[1])));
            }
        }
        else
        {
            var sortKeys = query["sort_key"];
            var sortDirs = query["sort_dir"];
            for (var i = 0; i < sortKeys.Count; i++)
            {
                var dir = i < sortDirs.Count ? sortDirs[i] : sortDirs.Count > 0 ? sortDirs[0] : "desc";
                keys.Add((Key(sortKeys[i]!), Descending(dir!)));
            }

            if (keys.Count == 0 && sortDirs.Count > 0)
            {
                keys.Add(("created_at", Descending(sortDirs[0]!)));
            }
        }

        return keys.Count > 0 ? keys : [("created_at", true)];
    }

    private static string Key(string key) =>
        ImageQuery.SortKeys.Contains(key) ? key : throw Invalid($"Invalid sort key: {key}. It should be one of the following: {string.Join(", ", ImageQuery.SortKeys.Order())}.");

    private static bool Descending(string direction) => direction switch
    {
        "asc" => false,
        "desc" => true,
        _ => throw Invalid($"Invalid sort direction: {direction}"),
    };

    private static FaultException Invalid(string message) => new(Fault.BadRequest(message));
}
