using Appliance.Core.Identity;
using Microsoft.AspNetCore.Components.Authorization;

namespace Appliance.Web.Ui.Session;

/// <summary>Signs a new circuit (a first visit or a reload) in from the browser's sign-in cookie.</summary>
public interface IUiSessionRestore
{
    /// <summary>Leaves the session signed out when there is no cookie, and says why when its token no longer works.</summary>
    Task RestoreAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// The hub connection that started the circuit carried the cookie; its ticket is in the circuit's authentication state.
/// The token is validated again, so a revoked token or a disabled user is not signed in by an old cookie.
/// </summary>
public sealed class UiSessionRestore(AuthenticationStateProvider authentication, TokenService tokens, UiSession session) : IUiSessionRestore
{
    public async Task RestoreAsync(CancellationToken cancellationToken = default)
    {
        if (session.SignedIn)
        {
            return;
        }

        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (user.FindFirst(UiCookie.TokenClaim)?.Value is not { } token)
        {
            return;
        }

        var context = await tokens.ValidateAsync(token, cancellationToken);
        if (context?.ProjectId is null)
        {
            session.SignOut(UiCaller.SessionEnded);
            return;
        }

        session.SignIn(new IssuedToken(token, context));
    }
}
