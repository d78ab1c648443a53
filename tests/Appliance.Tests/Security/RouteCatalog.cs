using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Security;

/// <summary>Which API a path belongs to, and so which error body it must answer with.</summary>
public enum ApiService { Compute, Identity, Image, Network, Health, StatusPage }

/// <summary>One method of one route as the running app maps it, e.g. GET /v2.1/servers/{id}.</summary>
public sealed record ApiRoute(string Method, string Pattern, IReadOnlyList<string> Parameters)
{
    public ApiService Service => ServiceOf(Pattern);

    /// <summary>The pattern without its compute version prefix, so one rule covers /v2.1, /v2 and /v1.1.</summary>
    public string Unversioned => Service == ApiService.Compute && ComputeVersion(Pattern) is { } version
        ? Pattern[version.Length..] is { Length: > 1 } rest ? rest : "/"
        : Pattern;

    /// <summary>"GET /servers/{id}": the key rule tables use.</summary>
    public string Key => $"{Method} {Unversioned}";

    public override string ToString() => $"{Method} {Pattern}";

    public static ApiService ServiceOf(string path)
    {
        // Only a leading single slash: routing sees "//identity/..." as outside /identity, so it answers as the rest of the app.
        var first = (path.StartsWith('/') ? path[1..] : path).Split('/', 2)[0].ToLowerInvariant();
        return first switch
        {
            "identity" => ApiService.Identity,
            "image" => ApiService.Image,
            "network" => ApiService.Network,
            "healthz" => ApiService.Health,
            "ui" => ApiService.StatusPage,
            _ => ApiService.Compute, // "/", the version documents and everything no other service claims meet Nova's fault middleware
        };
    }

    public static string? ComputeVersion(string path)
    {
        var first = path.TrimStart('/').Split('/', 2)[0];
        return first is "v2.1" or "v2" or "v1.1" ? "/" + first : null;
    }
}

/// <summary>
/// Every route the appliance serves, read from the running host's endpoint data source, so a route added
/// tomorrow is fuzzed and isolation-checked without anyone listing it here.
/// </summary>
public static class RouteCatalog
{
    public static IReadOnlyList<ApiRoute> From(IServiceProvider services)
    {
        var routes = new List<ApiRoute>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            // A group's "" route comes out as "/v2.1/servers/"; clients send "/v2.1/servers". Version documents keep their slash.
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            if (endpoint.RoutePattern.RawText?.EndsWith('/') == true && pattern is "/v2" or "/v2.1" or "/v1.1" or "/identity" or "/identity/v3")
            {
                pattern += "/";
            }

            // The status page's own endpoints (mapped on its /ui branch once it is first used) are not API routes.
            if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null
                || endpoint.DisplayName?.Contains("Blazor", StringComparison.OrdinalIgnoreCase) == true
                || pattern.StartsWith("/_", StringComparison.Ordinal))
            {
                continue;
            }

            var parameters = endpoint.RoutePattern.Parameters.Select(parameter => parameter.Name).ToList();
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get];
            routes.AddRange(methods.Select(method => new ApiRoute(method, pattern, parameters)));
        }

        return routes.DistinctBy(route => route.ToString()).OrderBy(route => route.Pattern, StringComparer.Ordinal).ThenBy(route => route.Method).ToList();
    }

    /// <summary>The path with each {parameter} replaced by what <paramref name="valueOf"/> gives for it, escaped as a path segment.</summary>
    public static string Fill(ApiRoute route, Func<string, string> valueOf, bool escape = true) =>
        RoutePatternFactory.Parse(route.Pattern).Parameters.Aggregate(route.Pattern, (path, parameter) =>
            path.Replace("{" + parameter.Name + "}", escape ? Uri.EscapeDataString(valueOf(parameter.Name)) : valueOf(parameter.Name), StringComparison.Ordinal));
}
