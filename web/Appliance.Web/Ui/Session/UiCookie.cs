using System.Security.Claims;
using Appliance.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Ui.Session;

/// <summary>
/// The browser's half of a sign-in: an HttpOnly, SameSite=Strict cookie (Secure over https) holding the Keystone token
/// inside a ticket encrypted with the page's Data Protection keys. No script can read it and the page never shows the
/// token; the circuit takes it from the cookie when it starts, so a reload stays signed in until the token expires.
/// </summary>
public static class UiCookie
{
    public const string Scheme = "appliance-ui";
    public const string Name = "appliance-ui";
    public const string TokenClaim = "urn:appliance:keystone-token";

    /// <summary>Blazor Server's hub (its default path), relative to the page's path base.</summary>
    public const string CircuitHubPath = "/_blazor";

    public static IServiceCollection AddUiCookie(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = Name;
            options.Cookie.Path = UiServices.PathBase;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // The ticket ends with the token: an expired token is no sign-in, however the cookie got here.
            options.SlidingExpiration = false;
            // The page decides what a signed-out visitor sees; nothing ever redirects to a login route.
            options.Events.OnRedirectToLogin = context => { context.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
            options.Events.OnRedirectToAccessDenied = context => { context.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
        });
        return services;
    }

    public static Task SignInAsync(HttpContext context, IssuedToken token)
    {
        var identity = new ClaimsIdentity([
            new Claim(ClaimTypes.NameIdentifier, token.Context.UserId),
            new Claim(ClaimTypes.Name, token.Context.UserName),
            new Claim(TokenClaim, token.Secret),
        ], Scheme);
        // A session cookie: closing the browser signs out; the ticket itself stops at the token's expiry.
        var properties = new AuthenticationProperties { ExpiresUtc = token.Context.ExpiresAt, IsPersistent = false, AllowRefresh = false };
        return context.SignInAsync(Scheme, new ClaimsPrincipal(identity), properties);
    }

    /// <summary>The token in the request's cookie, or null when there is none or its ticket is expired or forged.</summary>
    public static async Task<string?> TokenAsync(HttpContext context) =>
        (await context.AuthenticateAsync(Scheme)).Principal?.FindFirst(TokenClaim)?.Value;

    /// <summary>
    /// Sets HttpContext.User from the cookie on the circuit's hub connection only: the circuit reads its sign-in there.
    /// Every other request of the page stays anonymous, so the antiforgery tokens in a page (bound to the user of the
    /// request that rendered it) still match when the ticket has expired by the time the user posts the form.
    /// </summary>
    public static async Task AuthenticateCircuitAsync(HttpContext context, Func<Task> next)
    {
        if (context.Request.Path.StartsWithSegments(CircuitHubPath))
        {
            var result = await context.AuthenticateAsync(Scheme);
            if (result.Succeeded)
            {
                context.User = result.Principal;
            }
        }

        await next();
    }
}
