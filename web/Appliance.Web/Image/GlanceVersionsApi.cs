using System.Text.Json.Serialization;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Image;

/// <summary>Glance's version discovery: /image answers 300 Multiple Choices, /image/versions 200, with the same list.</summary>
public static class GlanceVersionsApi
{
    public sealed record Link(
        [property: JsonPropertyName("rel")] string Rel,
        [property: JsonPropertyName("href")] string Href);

    public sealed record Version(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("links")] IReadOnlyList<Link> Links);

    public sealed record VersionList([property: JsonPropertyName("versions")] IReadOnlyList<Version> Versions);

    private static readonly (string Id, string Status)[] Spoken =
    [
        ("v2.9", "CURRENT"), ("v2.8", "SUPPORTED"), ("v2.7", "SUPPORTED"), ("v2.6", "SUPPORTED"), ("v2.5", "SUPPORTED"),
        ("v2.4", "SUPPORTED"), ("v2.3", "SUPPORTED"), ("v2.2", "SUPPORTED"), ("v2.1", "SUPPORTED"), ("v2.0", "SUPPORTED"),
    ];

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(GlanceApi.Prefix, Versions);
        routes.MapGet(GlanceApi.Prefix + "/versions", Versions);
    }

    private static Results<Ok<VersionList>, JsonHttpResult<VersionList>> Versions(HttpRequest request)
    {
        var self = $"{request.BaseUrl()}{GlanceApi.Prefix}/v2/";
        var body = new VersionList(Spoken.Select(version => new Version(version.Id, version.Status, [new Link("self", self)])).ToList());
        return request.Path.Value!.EndsWith("/versions", StringComparison.Ordinal)
            ? TypedResults.Ok(body)
            : TypedResults.Json(body, statusCode: StatusCodes.Status300MultipleChoices);
    }
}
