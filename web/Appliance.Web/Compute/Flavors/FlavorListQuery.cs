using System.Globalization;
using Appliance.Core.Flavors;
using Appliance.Web.Faults;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Compute.Flavors;

/// <summary>GET /flavors query strings, read as Nova reads them.</summary>
public static class FlavorListQuery
{
    public const int MaxLimit = ComputePaging.MaxLimit;

    public static FlavorQuery Parse(IQueryCollection query, bool isAdmin)
    {
        var sortKey = query.Last("sort_key") ?? "flavorid";
        if (!FlavorQuery.SortKeys.Contains(sortKey))
        {
            throw Invalid($"Invalid input for query parameters sort_key. Value: {sortKey}. '{sortKey}' is not one of {string.Join(", ", FlavorQuery.SortKeys.Order())}");
        }

        var sortDir = query.Last("sort_dir") ?? "asc";
        if (sortDir is not ("asc" or "desc"))
        {
            throw Invalid($"Invalid input for query parameters sort_dir. Value: {sortDir}. '{sortDir}' is not one of asc, desc");
        }

        return new FlavorQuery(
            MinDisk: query.Last("minDisk") is { } minDisk ? Number(minDisk, "Invalid minDisk filter [{0}]") : null,
            MinRam: query.Last("minRam") is { } minRam ? Number(minRam, "Invalid minRam filter [{0}]") : null,
            // Only admins may ask for private flavors; everyone else sees public ones and those shared with them.
            IsPublic: isAdmin ? IsPublic(query.Last("is_public")) : true,
            SortKey: sortKey,
            Descending: sortDir == "desc",
            Limit: Limit(query.Last("limit")),
            Marker: query.Last("marker"));
    }

    private static bool? IsPublic(string? value) => value?.ToLowerInvariant() switch
    {
        null => true,
        "none" => null,
        "1" or "t" or "true" or "on" or "y" or "yes" => true,
        "0" or "f" or "false" or "off" or "n" or "no" => false,
        _ => throw Invalid($"Invalid is_public filter [{value}]"),
    };

    private static int Number(string value, string message) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Invalid(string.Format(CultureInfo.InvariantCulture, message, value));

    private static int Limit(string? value)
    {
        if (value is null)
        {
            return MaxLimit;
        }

        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit))
        {
            throw Invalid("limit param must be an integer");
        }

        return limit < 0 ? throw Invalid("limit param must be positive") : (int)Math.Min(limit, MaxLimit);
    }

    private static FaultException Invalid(string message) => new(Fault.BadRequest(message));
}
