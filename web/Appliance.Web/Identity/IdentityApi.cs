using Appliance.Core.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Identity;

/// <summary>Keystone v3 under /identity: discovery, tokens, and the admin resources the openstack CLI manages.</summary>
public static class IdentityApi
{
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder routes)
    {
        var identity = routes.MapGroup(IdentityUrls.IdentityPrefix).WithMetadata(IdentityEndpoint.Authenticated);

        // Routing matches with or without the trailing slash, so each document is mapped once.
        identity.MapGet("/", ListVersions).WithoutToken();
        identity.MapGet("/v3/", ShowV3).WithoutToken();

        var v3 = identity.MapGroup("/v3");
        v3.MapAuthTokensApi();
        v3.MapProjectsApi();
        v3.MapUsersApi();
        v3.MapRolesApi();
        v3.MapRoleAssignmentsApi();
        v3.MapDomainsApi();
        return routes;
    }

    /// <summary>Keystone answers its root with 300 Multiple Choices and a Location for the preferred version.</summary>
    private static JsonHttpResult<IdentityVersionsView.VersionList> ListVersions(HttpContext http, ApplianceOptions options)
    {
        var v3 = IdentityUrls.V3(http.Request, options);
        http.Response.Headers.Location = v3 + "/";
        return TypedResults.Json(
            new IdentityVersionsView.VersionList(new IdentityVersionsView.Values([IdentityVersionsView.V3(v3)])),
            statusCode: StatusCodes.Status300MultipleChoices);
    }

    private static Ok<IdentityVersionsView.VersionDocument> ShowV3(HttpRequest request, ApplianceOptions options) =>
        TypedResults.Ok(new IdentityVersionsView.VersionDocument(IdentityVersionsView.V3(IdentityUrls.V3(request, options))));
}
