using Appliance.Core.Identity;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Identity;

/// <summary>/v3/auth: issue (password and token methods), validate, check and revoke tokens; the caller's projects and catalog.</summary>
public static class AuthTokensApi
{
    private const string UnsupportedMethodMessage = "Attempted to authenticate with an unsupported method.";

    public static IEndpointRouteBuilder MapAuthTokensApi(this IEndpointRouteBuilder v3)
    {
        v3.MapPost("/auth/tokens", Issue).WithoutToken();
        v3.MapGet("/auth/tokens", Validate);
        v3.MapMethods("/auth/tokens", [HttpMethods.Head], Check);
        v3.MapDelete("/auth/tokens", Revoke);
        v3.MapGet("/auth/projects", ListMyProjects);
        v3.MapGet("/auth/catalog", ShowMyCatalog);
        return v3;
    }

    private static async Task<JsonHttpResult<TokenView.Body>> Issue(
        JsonBody<AuthRequest> body, [AsParameters] IdentityRequestServices services)
    {
        var auth = body.Value.Auth;
        // Domain and system scopes need a role there; the appliance assigns roles on projects only.
        if (auth.Scope is { } scope && (scope.Domain is not null || scope.System is not null || scope.Trust is not null || scope.Project is null))
        {
            throw new AuthenticationFailedException();
        }

        var project = auth.Scope?.Project is { } p ? new Authenticator.Reference(p.Id, p.Name, p.Domain?.Id, p.Domain?.Name) : null;
        var issued = auth.Identity.Methods switch
        {
            [TokenService.PasswordMethod] => await PasswordAsync(auth.Identity, project, services),
            [TokenService.TokenMethod] => await services.Authenticator.RescopeAsync(
                (auth.Identity.Token ?? throw IdentityValidationException.Missing("token", "identity")).Id, project, services.Aborted),
            _ => throw new KeystoneErrorException(new KeystoneError(401, UnsupportedMethodMessage)),
        };

        services.Http.Response.Headers[IdentityHeaders.SubjectToken] = issued.Secret;
        services.Http.Response.Headers.Vary = IdentityHeaders.AuthToken;
        return TypedResults.Json(TokenView.Render(issued.Context, Catalog(services)), statusCode: StatusCodes.Status201Created);
    }

    private static Task<IssuedToken> PasswordAsync(AuthRequest.IdentityBody identity, Authenticator.Reference? project, IdentityRequestServices services)
    {
        var user = identity.Password?.User ?? throw IdentityValidationException.Missing("password", "identity");
        return services.Authenticator.AuthenticateAsync(
            new Authenticator.Reference(user.Id, user.Name, user.Domain?.Id, user.Domain?.Name), user.Password, project,
            services.Http.Connection.RemoteIpAddress?.ToString(), services.Aborted);
    }

    private static async Task<Ok<TokenView.Body>> Validate([AsParameters] IdentityRequestServices services)
    {
        var (subject, secret) = await SubjectAsync(services, "identity:validate_token");
        services.Http.Response.Headers[IdentityHeaders.SubjectToken] = secret;
        return TypedResults.Ok(TokenView.Render(subject, Catalog(services)));
    }

    private static async Task<Ok> Check([AsParameters] IdentityRequestServices services)
    {
        var (_, secret) = await SubjectAsync(services, "identity:check_token");
        services.Http.Response.Headers[IdentityHeaders.SubjectToken] = secret;
        return TypedResults.Ok();
    }

    private static async Task<NoContent> Revoke([AsParameters] IdentityRequestServices services)
    {
        var (_, secret) = await SubjectAsync(services, "identity:revoke_token");
        await services.Tokens.RevokeAsync(secret, services.Aborted);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ProjectView.Many>> ListMyProjects([AsParameters] IdentityRequestServices services)
    {
        var projects = await services.Projects.ListForUserAsync(services.Caller.UserId, services.Aborted);
        return TypedResults.Ok(new ProjectView.Many(
            projects.Select(project => ProjectView.Render(project, services.V3Url)).ToList(),
            new ListLinks(services.V3Url + "/auth/projects")));
    }

    private static Ok<ServiceCatalog.Listing> ShowMyCatalog([AsParameters] IdentityRequestServices services)
    {
        if (services.Caller.Project is null)
        {
            throw new KeystoneErrorException(new KeystoneError(403, "A project-scoped token is required to produce a service catalog."));
        }

        return TypedResults.Ok(new ServiceCatalog.Listing(
            ServiceCatalog.Build(IdentityUrls.PublicBase(services.Http.Request, services.Options)),
            new ListLinks(services.V3Url + "/auth/catalog")));
    }

    /// <summary>The catalog for the token body, unless the client asked ?nocatalog (a bare flag counts as yes).</summary>
    private static IReadOnlyList<ServiceCatalog.Service>? Catalog(IdentityRequestServices services) =>
        services.Http.Request.Query.TryGetValue("nocatalog", out var flag) && QueryFlags.IsTrue(flag.ToString()) ? null : ServiceCatalog.Build(IdentityUrls.PublicBase(services.Http.Request, services.Options));

    /// <summary>The X-Subject-Token's context; a user may inspect and revoke their own tokens, an admin anyone's.</summary>
    private static async Task<(RequestContext Subject, string Secret)> SubjectAsync(IdentityRequestServices services, string action)
    {
        var caller = services.Caller;
        var secret = services.Http.Request.Headers[IdentityHeaders.SubjectToken].ToString();
        if (secret.Length == 0)
        {
            throw IdentityValidationException.Missing(IdentityHeaders.SubjectToken, "the request headers");
        }

        var subject = await services.Tokens.ValidateAsync(secret, services.Aborted)
            ?? throw new KeystoneErrorException(new KeystoneError(404, "Could not find token."));
        if (subject.UserId != caller.UserId)
        {
            IdentityPolicy.RequireAdmin(caller, action);
        }

        return (subject, secret);
    }
}
