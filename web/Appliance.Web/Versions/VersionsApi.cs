using Appliance.Web.Microversions;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Versions;

/// <summary>Compute version discovery: GET /, /v2/, /v2.1/ and /v1.1/ (the seed: "API v1.1 is identical to API v2").</summary>
public static class VersionsApi
{
    public static IEndpointRouteBuilder MapVersionsApi(this IEndpointRouteBuilder routes)
    {
        // The root is outside microversion control in Nova, so it carries no version headers.
        routes.MapGet("/", (HttpRequest request) => TypedResults.Ok(VersionsView.List(request.BaseUrl())))
            .WithMetadata(JsonOnlyEndpoint.Instance);

        // Routing matches with or without the trailing slash, so each document is mapped once.
        routes.MapGet("/v2/", ShowV2).WithMetadata(JsonOnlyEndpoint.Instance);
        routes.MapGet("/v1.1/", ShowV2).WithMetadata(JsonOnlyEndpoint.Instance);
        routes.MapGet("/v2.1/", ShowV21).WithMetadata(MicroversionedEndpoint.Instance, JsonOnlyEndpoint.Instance);
        return routes;
    }

    private static Ok<VersionsView.VersionDocument> ShowV2(HttpRequest request) => TypedResults.Ok(VersionsView.ShowV2(request.BaseUrl()));

    private static Ok<VersionsView.VersionDocument> ShowV21(HttpRequest request) => TypedResults.Ok(VersionsView.ShowV21(request.BaseUrl()));
}
