using Appliance.Web.Identity;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Compute;

/// <summary>
/// Nova's resource links: "self" under the API version the client used, "bookmark" without a version,
/// both carrying the project id only when the client's URL did.
/// </summary>
public static class ComputeLinks
{
    public sealed record Link(
        [property: System.Text.Json.Serialization.JsonPropertyName("rel")] string Rel,
        [property: System.Text.Json.Serialization.JsonPropertyName("href")] string Href,
        [property: System.Text.Json.Serialization.JsonPropertyName("type"),
                   System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Type = null);

    /// <summary>The API version segment of this request's path: v2.1, v2 or v1.1.</summary>
    public static string VersionSegment(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        var end = path.IndexOf('/', 1);
        return end > 0 ? path[1..end] : path.TrimStart('/');
    }

    public static string Self(HttpRequest request, string collection, string id) => Under(SelfPrefix(request), collection, id);

    public static string Bookmark(HttpRequest request, string collection, string id) => Under(BookmarkPrefix(request), collection, id);

    /// <summary>What every self link of this request starts with; views writing a link per server work it out once.</summary>
    public static string SelfPrefix(HttpRequest request) => $"{request.BaseUrl()}/{VersionSegment(request)}{ProjectSegment(request)}";

    /// <summary>What every bookmark link of this request starts with.</summary>
    public static string BookmarkPrefix(HttpRequest request) => $"{request.BaseUrl()}{ProjectSegment(request)}";

    /// <summary>A resource's link under a prefix from <see cref="SelfPrefix"/> or <see cref="BookmarkPrefix"/>.</summary>
    public static string Under(string prefix, string collection, string id) => $"{prefix}/{collection}/{id}";

    /// <summary>The collection URL with the query's parameters and a new marker, for "next" links.</summary>
    public static string Next(HttpRequest request, string collection, string marker)
    {
        var parameters = request.Query
            .Where(pair => pair.Key != "marker")
            .SelectMany(pair => pair.Value.Select(value => new KeyValuePair<string, string?>(pair.Key, value)))
            .Append(new KeyValuePair<string, string?>("marker", marker));
        return $"{SelfPrefix(request)}/{collection}{QueryString.Create(parameters).ToUriComponent()}";
    }

    private static string ProjectSegment(HttpRequest request) =>
        request.HttpContext.Features.Get<ProjectIdInUrlFeature>() is { } inUrl ? "/" + inUrl.ProjectId : "";
}
