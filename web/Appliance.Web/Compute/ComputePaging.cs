using System.Globalization;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Compute;

/// <summary>Nova's paging limit: at most <see cref="MaxLimit"/> items a page (its api.max_limit default).</summary>
public static class ComputePaging
{
    public const int MaxLimit = 1000;

    /// <summary>
    /// A limit checked the way Nova's query schemas check one (every value all digits), the last value counting,
    /// capped at <see cref="MaxLimit"/>; null when the query has none.
    /// </summary>
    public static int? SchemaLimit(IQueryCollection query)
    {
        if (!query.TryGetValue("limit", out var values) || values.Count == 0)
        {
            return null;
        }

        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                throw new FaultException(Fault.BadRequest("Invalid input for query parameters limit. Value: . '' is too short"));
            }

            if (!value.All(char.IsAsciiDigit))
            {
                throw new FaultException(Fault.BadRequest($"Invalid input for query parameters limit. Value: {value}. '{value}' does not match '^[0-9]*$'"));
            }
        }

        var last = values[^1]!;
        return last.Length > 9 ? MaxLimit : Math.Min(int.Parse(last, CultureInfo.InvariantCulture), MaxLimit);
    }
}
