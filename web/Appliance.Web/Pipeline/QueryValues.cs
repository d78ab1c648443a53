using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Pipeline;

public static class QueryValues
{
    /// <summary>The last value a query string gives a parameter (repeats override, as in webob), or null.</summary>
    public static string? Last(this IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;
}
