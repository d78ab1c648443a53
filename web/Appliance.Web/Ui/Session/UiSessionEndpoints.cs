using System.Buffers;
using Appliance.Core.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Ui.Session;

/// <summary>
/// POST /ui/session signs in (sets the cookie) and POST /ui/session/end signs out (revokes the token, clears the cookie);
/// both are plain form posts with an antiforgery token, and both answer with a redirect back to the page.
/// </summary>
public static class UiSessionEndpoints
{
    public const string SignInPath = "session";
    public const string SignOutPath = "session/end";
    public const string UserField = "user";
    public const string PasswordField = "password";
    public const string ProjectField = "project";
    public const string ReturnField = "return";

    /// <summary>In the query of the page a failed sign-in returns to.</summary>
    public const string FailedMarker = "signin-failed";

    /// <summary>The failed marker's value when the throttle or the hashing pool refused, rather than the credentials failing.</summary>
    public const string RefusedValue = "throttled";

    // A page path inside /ui: letters, digits, '-', '_', '.' and '/', never '//' or '..', so no redirect leaves the page.
    private static readonly SearchValues<char> PageCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./");

    public static IEndpointRouteBuilder MapUiSession(this IEndpointRouteBuilder endpoints)
    {
        // The forms are read by hand, after the antiforgery verdict: bound form parameters would throw (a 500) on a bad token.
        endpoints.MapPost("/" + SignInPath, SignInAsync).WithMetadata(new RequireAntiforgeryTokenAttribute());
        endpoints.MapPost("/" + SignOutPath, SignOutAsync).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return endpoints;
    }

    private static async Task<Results<RedirectHttpResult, BadRequest>> SignInAsync(HttpContext context, UiSignIn signIn)
    {
        if (Forged(context) || !context.Request.HasFormContentType)
        {
            return TypedResults.BadRequest();
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? user = form[UserField], password = form[PasswordField], project = form[ProjectField];
        var page = PagePath(context, form[ReturnField]);
        IssuedToken? token;
        var refused = false;
        try
        {
            token = await signIn.AuthenticateAsync(user ?? "", password ?? "", project, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        }
        catch (UiSignInRefusedException)
        {
            (token, refused) = (null, true);
        }

        if (token is null)
        {
            return TypedResults.Redirect(page + QueryString.Create(new Dictionary<string, string?>
            {
                [FailedMarker] = refused ? RefusedValue : "1",
                [UserField] = user ?? "",
                [ProjectField] = project ?? "",
            }));
        }

        if (await UiCookie.TokenAsync(context) is { } previous)
        {
            await signIn.RevokeAsync(previous, context.RequestAborted); // the tab signed in as someone else before
        }

        await UiCookie.SignInAsync(context, token);
        return TypedResults.Redirect(page);
    }

    private static async Task<Results<RedirectHttpResult, BadRequest>> SignOutAsync(HttpContext context, UiSignIn signIn)
    {
        if (Forged(context))
        {
            return TypedResults.BadRequest();
        }

        if (await UiCookie.TokenAsync(context) is { } token)
        {
            await signIn.RevokeAsync(token, context.RequestAborted);
        }

        await context.SignOutAsync(UiCookie.Scheme);
        return TypedResults.Redirect(PagePath(context, null));
    }

    /// <summary>The antiforgery middleware's verdict: it only gives one, and the endpoint acts on it.</summary>
    private static bool Forged(HttpContext context) => context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true };

    /// <summary>The page to go back to, under the page's own path base; the dashboard when the path is not a plain page path.</summary>
    private static string PagePath(HttpContext context, string? page)
    {
        var safe = page is { Length: > 0 and <= 200 } && !page.AsSpan().ContainsAnyExcept(PageCharacters)
            && page[0] != '/' && !page.Contains("//", StringComparison.Ordinal) && !page.Contains("..", StringComparison.Ordinal);
        return $"{context.Request.PathBase}/{(safe ? page : "")}";
    }
}
