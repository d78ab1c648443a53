using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Network;

/// <summary>
/// Neutron's list query on any collection: every attribute is a filter (repeat a key for "any of"), fields= picks the
/// attributes shown, sort_key/sort_dir order, limit/marker page with a next link. An attribute the resource does not
/// have is refused (400), as Neutron refuses it with filter validation on.
/// </summary>
public static class NeutronListQuery
{
    private static readonly HashSet<string> Controls = ["fields", "sort_key", "sort_dir", "limit", "marker", "page_reverse"];

    /// <summary>Neutron's tag filters: the appliance's resources carry no tags, so only "any tag" style filters can match nothing.</summary>
    private static readonly HashSet<string> TagFilters = ["tags", "tags-any", "not-tags", "not-tags-any"];

    /// <summary>Whether a query key steers the list (fields, sorting, paging) rather than filtering it.</summary>
    public static bool IsControl(string key) => Controls.Contains(key);

    public static JsonObject Answer(IReadOnlyList<JsonObject> all, string collection, HttpRequest request)
    {
        var query = request.Query;
        var matching = all.Where(item => Matches(item, query)).ToList();
        var sorted = Sort(matching, query).ToList();
        var (page, more) = Page(sorted, query);
        var body = new JsonObject { [collection] = new JsonArray(page.Select(item => (JsonNode)Project(item, query)).ToArray()) };
        if (more)
        {
            // Neutron's next link: the same query, from after the last item shown.
            var next = query.Where(pair => pair.Key != "marker")
                .SelectMany(pair => pair.Value.Select(value => $"{Uri.EscapeDataString(pair.Key)}={Uri.EscapeDataString(value ?? "")}"))
                .Append($"marker={Uri.EscapeDataString(page[^1]["id"]!.GetValue<string>())}");
            body[collection + "_links"] = new JsonArray(new JsonObject
            {
                ["rel"] = "next",
                ["href"] = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?{string.Join('&', next)}",
            });
        }

        return body;
    }

    /// <summary>One resource, with only the fields asked for.</summary>
    public static JsonObject Project(JsonObject item, IQueryCollection query)
    {
        var fields = query["fields"].SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        return fields.Count == 0
            ? item
            : new JsonObject(item.Where(pair => fields.Contains(pair.Key)).Select(pair => KeyValuePair.Create(pair.Key, pair.Value?.DeepClone())));
    }

    private static bool Matches(JsonObject item, IQueryCollection query)
    {
        foreach (var (key, values) in query)
        {
            if (Controls.Contains(key))
            {
                continue;
            }

            if (TagFilters.Contains(key))
            {
                if (key is "tags" or "tags-any")
                {
                    return false;
                }

                continue;
            }

            if (!item.TryGetPropertyValue(key, out var attribute))
            {
                throw new FaultException(Fault.BadRequest($"[{key}] is invalid attribute for filtering"));
            }

            if (!values.Any(wanted => Equal(attribute, wanted ?? "")))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A filter value against an attribute: as text for scalars, "key=value" for lists of objects (fixed_ips=ip_address=...), membership for lists.</summary>
    private static bool Equal(JsonNode? attribute, string wanted) => attribute switch
    {
        null => false,
        JsonArray list when wanted.Split('=', 2) is [var key, var value] && list.All(entry => entry is JsonObject) =>
            list.OfType<JsonObject>().Any(entry => entry.TryGetPropertyValue(key, out var inner) && Equal(inner, value)),
        JsonArray list => list.Any(entry => Equal(entry, wanted)),
        JsonObject => false,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False =>
            bool.TryParse(wanted, out var flag) && flag == value.GetValue<bool>(),
        JsonValue value => Text(value) == wanted,
        _ => false,
    };

    private static string Text(JsonValue value) => value.GetValueKind() == JsonValueKind.String
        ? value.GetValue<string>()
        : value.ToJsonString();

    private static IEnumerable<JsonObject> Sort(List<JsonObject> items, IQueryCollection query)
    {
        var keys = query["sort_key"].Where(key => !string.IsNullOrEmpty(key)).Select(key => key!).ToList();
        var directions = query["sort_dir"].Select(direction => direction ?? "asc").ToList();
        if (directions.Any(direction => direction is not ("asc" or "desc")))
        {
            throw new FaultException(Fault.BadRequest("Sort direction specified is invalid. Valid values are asc and desc."));
        }

        if (keys.Count == 0)
        {
            return items;
        }

        if (directions.Count > keys.Count)
        {
            throw new FaultException(Fault.BadRequest("The number of sort_keys and sort_dirs must be same"));
        }

        foreach (var key in keys.Where(key => items.Any(item => !item.ContainsKey(key))))
        {
            throw new FaultException(Fault.BadRequest($"{key} is an invalid attribute for sort_keys"));
        }

        IOrderedEnumerable<JsonObject>? ordered = null;
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            var descending = i < directions.Count && directions[i] == "desc";
            Func<JsonObject, string> value = item => item[key] is JsonValue scalar ? Text(scalar) : item[key]?.ToJsonString() ?? "";
            ordered = ordered is null
                ? descending ? items.OrderByDescending(value, StringComparer.Ordinal) : items.OrderBy(value, StringComparer.Ordinal)
                : descending ? ordered.ThenByDescending(value, StringComparer.Ordinal) : ordered.ThenBy(value, StringComparer.Ordinal);
        }

        return ordered!;
    }

    private static (List<JsonObject> Page, bool More) Page(List<JsonObject> items, IQueryCollection query)
    {
        var start = 0;
        if (query["marker"].LastOrDefault() is { Length: > 0 } marker)
        {
            var at = items.FindIndex(item => item["id"]?.GetValue<string>() == marker);
            start = at < 0 ? items.Count : at + 1;
        }

        if (query["limit"].LastOrDefault() is not { Length: > 0 } text)
        {
            return (items.Skip(start).ToList(), false);
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
        {
            throw new FaultException(Fault.BadRequest($"Invalid input for limit. Reason: '{text}' is not an integer."));
        }

        // Neutron takes limit=0 as "no limit".
        var page = (limit == 0 ? items.Skip(start) : items.Skip(start).Take(limit)).ToList();
        return (page, limit > 0 && start + limit < items.Count);
    }
}
