using Appliance.Core;
using Appliance.Core.Identity;

namespace Appliance.Web.Ui.Session;

/// <summary>
/// The password method of Keystone through the core's <see cref="Authenticator"/>, in the Default domain; with no
/// project named, the user's default project or else the first they hold a role on. Used by the sign-in endpoint.
/// </summary>
public sealed class UiSignIn(Authenticator authenticator, TokenService tokens, UserService users, ProjectService projects)
{
    public const string Failed = "The user name, password or project is wrong, or the user has no role on that project.";

    public const string Refused = "Too many failed sign-ins, or the appliance is busy checking them; wait a minute and try again.";

    /// <summary>
    /// A fresh token, or null for any wrong credential (the caller shows <see cref="Failed"/>, the same for all); a sign-in the
    /// failed-login throttle or the busy hashing pool refuses throws <see cref="UiSignInRefusedException"/> (shown as <see cref="Refused"/>).
    /// </summary>
    /// <param name="source">The browser's address, for the failed-login throttle.</param>
    public async Task<IssuedToken?> AuthenticateAsync(string userName, string password, string? projectName, string? source, CancellationToken cancellationToken = default)
    {
        try
        {
            var user = new Authenticator.Reference(null, userName, Domain.DefaultId, null);
            var project = string.IsNullOrWhiteSpace(projectName)
                ? await DefaultProjectAsync(userName, cancellationToken)
                : new Authenticator.Reference(null, projectName.Trim(), Domain.DefaultId, null);
            return project is null ? null : await authenticator.AuthenticateAsync(user, password, project, source, cancellationToken);
        }
        catch (AuthenticationFailedException)
        {
            return null;
        }
        catch (IdentityValidationException)
        {
            return null;
        }
        catch (Exception e) when (e is TooManyRequestsException or ServiceBusyException)
        {
            throw new UiSignInRefusedException(e);
        }
    }

    public Task RevokeAsync(string token, CancellationToken cancellationToken = default) => tokens.RevokeAsync(token, cancellationToken);

    private async Task<Authenticator.Reference?> DefaultProjectAsync(string userName, CancellationToken cancellationToken)
    {
        var user = (await users.ListAsync(new UserService.Filter(Name: userName, DomainId: Domain.DefaultId), cancellationToken)).FirstOrDefault();
        if (user is null)
        {
            // Still run the password check, so an unknown name costs what a known one does.
            return new Authenticator.Reference(null, "-", Domain.DefaultId, null);
        }

        var id = user.DefaultProjectId ?? (await projects.ListForUserAsync(user.Id, cancellationToken)).OrderBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault()?.Id;
        return id is null ? null : new Authenticator.Reference(id, null, null, null);
    }
}

/// <summary>The throttle or the hashing pool refused the sign-in: try again later, not a wrong password.</summary>
public sealed class UiSignInRefusedException(Exception inner) : Exception(UiSignIn.Refused, inner);
