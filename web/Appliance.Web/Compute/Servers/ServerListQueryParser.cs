using System.Globalization;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Microversions;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// A server list's query string as Nova reads it: filters members may use, more for admins (others are
/// ignored, as Nova does), sort keys and directions, limit and marker.
/// </summary>
public static class ServerListQueryParser
{
    public const int MaxLimit = 1000;

    public static ServerListQuery Parse(HttpContext http, ServerCaller caller)
    {
        var query = http.Request.Query;
        var version = http.ComputeVersion();
        var allTenants = query.ContainsKey("all_tenants") && Flag(query.Last("all_tenants")) != false;
        if (allTenants && !caller.IsAdmin)
        {
            throw new FaultException(new Fault(403, "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed."));
        }

        var projectFilter = caller.IsAdmin ? query.Last("project_id") ?? query.Last("tenant_id") : null;
        var status = query.Last("status")?.ToUpperInvariant();
        if (status is not null && !ServerStatus.Known.Contains(status) && version >= ComputeMicroversions.InvalidStatusFilterRejected)
        {
            throw new FaultException(Fault.BadRequest("Invalid status value"));
        }

        return new ServerListQuery
        {
            ProjectId = projectFilter ?? (allTenants ? null : caller.ProjectId),
            UserId = caller.IsAdmin ? query.Last("user_id") : null,
            NameRegex = Regex(query.Last("name"), "name"),
            // An unknown status matches nothing before 2.38.
            Status = status,
            ImageRef = LastSegment(query.Last("image")),
            FlavorId = LastSegment(query.Last("flavor")),
            ReservationId = query.Last("reservation_id"),
            KeyName = caller.IsAdmin ? query.Last("key_name") : null,
            AvailabilityZone = caller.IsAdmin ? query.Last("availability_zone") : null,
            Host = caller.IsAdmin ? query.Last("host") : null,
            IpRegex = Regex(query.Last("ip"), "ip"),
            Ip6Regex = caller.IsAdmin || version >= ComputeMicroversions.Ip6FilterForMembers ? Regex(query.Last("ip6"), "ip6") : null,
            ChangesSince = Time(query.Last("changes-since"), "changes-since"),
            Deleted = caller.IsAdmin && query.Last("deleted") is { } deleted ? Flag(deleted) ?? throw Invalid("deleted", deleted, "is not a boolean") : null,
            Tags = version >= ComputeMicroversions.ServerTags ? List(query.Last("tags")) : [],
            TagsAny = version >= ComputeMicroversions.ServerTags ? List(query.Last("tags-any")) : [],
            NotTags = version >= ComputeMicroversions.ServerTags ? List(query.Last("not-tags")) : [],
            NotTagsAny = version >= ComputeMicroversions.ServerTags ? List(query.Last("not-tags-any")) : [],
            Sort = Sort(query),
            Limit = Limit(query.Last("limit")),
            Marker = query.Last("marker"),
        };
    }

    private static int Limit(string? text)
    {
        if (text is null)
        {
            return MaxLimit;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit))
        {
            throw new FaultException(Fault.BadRequest("limit param must be an integer"));
        }

        return limit < 0 ? throw new FaultException(Fault.BadRequest("limit param must be positive")) : Math.Min(limit, MaxLimit);
    }

    private static IReadOnlyList<(string Column, bool Descending)> Sort(IQueryCollection query)
    {
        var keys = query["sort_key"].OfType<string>().ToList();
        var dirs = query["sort_dir"].OfType<string>().ToList();
        foreach (var dir in dirs.Where(d => d is not ("asc" or "desc")))
        {
            throw Invalid("sort_dir", dir, "is not one of ['asc', 'desc']");
        }

        var sort = new List<(string, bool)>();
        for (var i = 0; i < keys.Count; i++)
        {
            if (ServerSortKeys.Ignored.Contains(keys[i]))
            {
                continue; // Nova accepts these and ignores them
            }

            if (!ServerSortKeys.Columns.TryGetValue(keys[i], out var column))
            {
                throw Invalid("sort_key", keys[i], "is not a valid sort key");
            }

            sort.Add((column, (i < dirs.Count ? dirs[i] : "desc") == "desc"));
        }

        return sort;
    }

    private static string? Regex(string? pattern, string field) =>
        pattern is null || ServerRegex.IsValid(pattern) ? pattern : throw Invalid(field, pattern, "is not a valid regular expression");

    private static DateTimeOffset? Time(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw Invalid(field, text, "is not a 'date-time'");
    }

    private static bool? Flag(string? text) => text?.ToLowerInvariant() switch
    {
        "" or "1" or "true" or "t" or "yes" or "y" or "on" => true,
        "0" or "false" or "f" or "no" or "n" or "off" => false,
        _ => null,
    };

    private static IReadOnlyList<string> List(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string? LastSegment(string? reference) =>
        reference is not null && Uri.TryCreate(reference, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.AbsolutePath.TrimEnd('/').Split('/')[^1]
            : reference;

    private static FaultException Invalid(string parameter, string value, string reason) =>
        new(Fault.BadRequest($"Invalid input for query parameters {parameter}. Value: {value}. '{value}' {reason}"));
}
