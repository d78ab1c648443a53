using Appliance.Core.Identity;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Identity;

/// <summary>
/// Runs before routing, as keystonemiddleware runs in front of Nova: strips forged identity headers, turns a
/// valid X-Auth-Token into the request's <see cref="RequestContext"/>, refuses compute and image calls
/// without a project-scoped token (401), and folds /v2.1/{project_id}/... into /v2.1/... when the id is
/// the token's own (400 otherwise, Nova's "Malformed request URL").
/// </summary>
public sealed class AuthTokenMiddleware(RequestDelegate next, TokenService tokens)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        IdentityHeaders.StripForged(request.Headers);

        var token = request.Headers[IdentityHeaders.AuthToken].ToString();
        var caller = token.Length > 0 ? await tokens.ValidateAsync(token, context.RequestAborted) : null;
        if (caller is not null)
        {
            context.Features.Set(new CallerFeature(caller));
        }

        var area = ProtectedPaths.Classify(request.Path, out var segments);
        if (area == ProtectedPaths.Area.Open)
        {
            await next(context);
            return;
        }

        if (caller?.ProjectId is null)
        {
            context.Response.Headers.WWWAuthenticate = KeystoneChallenge.For(request);
            await FaultWriter.WriteAsync(context, new Fault(401, AuthenticationFailedException.RequiresAuthenticationMessage));
            return;
        }

        if (area == ProtectedPaths.Area.Compute && ProtectedPaths.LooksLikeProjectId(segments[1]))
        {
            if (segments[1] != caller.ProjectId)
            {
                await FaultWriter.WriteAsync(context, Fault.BadRequest(
                    $"Malformed request URL: URL's project_id '{segments[1]}' doesn't match Context's project_id '{caller.ProjectId}'"));
                return;
            }

            context.Features.Set(new ProjectIdInUrlFeature(segments[1]));
            var rest = string.Join('/', segments.Skip(2));
            var trailing = request.Path.Value!.EndsWith('/') && rest.Length > 0 ? "/" : "";
            request.Path = new PathString($"/{segments[0]}/{rest}{trailing}");
        }

        await next(context);
    }
}
