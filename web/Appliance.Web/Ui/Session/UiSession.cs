using Appliance.Core.Identity;

namespace Appliance.Web.Ui.Session;

/// <summary>
/// Who is signed in on this browser tab: one per Blazor circuit. The Keystone token lives here, on the server; the
/// browser holds it only sealed in its HttpOnly sign-in cookie (<see cref="UiCookie"/>), from which a reload's new
/// circuit is signed in again.
/// </summary>
public sealed class UiSession
{
    public string? Token { get; private set; }

    public RequestContext? Context { get; private set; }

    /// <summary>Why the user was signed out, shown above the login form.</summary>
    public string? Notice { get; private set; }

    public bool SignedIn => Context is not null;

    public bool IsAdmin => Context?.IsAdmin ?? false;

    /// <summary>The project whose resources a member sees; null for an admin, who sees all.</summary>
    public string? VisibleProject => IsAdmin ? null : Context?.ProjectId;

    public event Action? Changed;

    public void SignIn(IssuedToken token)
    {
        Token = token.Secret;
        Context = token.Context;
        Notice = null;
        Changed?.Invoke();
    }

    /// <summary>Keeps the context current (roles are read again at each validation).</summary>
    public void Refresh(RequestContext context) => Context = context;

    public void SignOut(string? notice = null)
    {
        Token = null;
        Context = null;
        Notice = notice;
        Changed?.Invoke();
    }
}
