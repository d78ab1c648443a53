using Appliance.Core.Identity;

namespace Appliance.Web.Ui.Session;

/// <summary>Signs a Keystone user in to the status page.</summary>
public interface IUiSignIn
{
    /// <summary>Null on success; otherwise the message to show (the same for every wrong credential).</summary>
    Task<string?> SignInAsync(string userName, string password, string? projectName, CancellationToken cancellationToken = default);

    /// <summary>Revokes the tab's token and forgets it.</summary>
    Task SignOutAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// The password method of Keystone through the core's <see cref="Authenticator"/>, in the Default domain; with no
/// project named, the user's default project or else the first they hold a role on.
/// </summary>
public sealed class UiSignIn(Authenticator authenticator, TokenService tokens, UserService users, ProjectService projects, UiSession session) : IUiSignIn
{
    public const string Failed = "The user name, password or project is wrong, or the user has no role on that project.";

    public async Task<string?> SignInAsync(string userName, string password, string? projectName, CancellationToken cancellationToken = default)
    {
        try
        {
            var user = new Authenticator.Reference(null, userName, Domain.DefaultId, null);
            var project = string.IsNullOrWhiteSpace(projectName)
                ? await DefaultProjectAsync(userName, cancellationToken)
                : new Authenticator.Reference(null, projectName.Trim(), Domain.DefaultId, null);
            if (project is null)
            {
                return Failed;
            }

            session.SignIn(await authenticator.AuthenticateAsync(user, password, project, cancellationToken));
            return null;
        }
        catch (AuthenticationFailedException)
        {
            return Failed;
        }
        catch (IdentityValidationException)
        {
            return Failed;
        }
    }

    public async Task SignOutAsync(CancellationToken cancellationToken = default)
    {
        if (session.Token is { } token)
        {
            await tokens.RevokeAsync(token, cancellationToken);
        }

        session.SignOut();
    }

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
