using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Identity;

/// <summary>
/// Keystone's password method: finds the user (by id, or by name in a domain given by id or name), checks
/// the password, resolves the scope, and issues a token. Every way of failing after the request is
/// well-formed is the same <see cref="AuthenticationFailedException"/>, and costs the same hashing time: a locked user
/// too, so a lock does not tell that the name exists. The throttle is asked first, before any lookup or hashing.
/// </summary>
public sealed class Authenticator(
    Database database, DomainService domains, TokenService tokens, LoginThrottle throttle, AccountLockout lockout,
    PasswordHashingPool hashing, RecentFailedLogins recent)
{
    /// <summary>Names an entity by id, or by name within a domain (itself named by id or by name).</summary>
    public sealed record Reference(string? Id, string? Name, string? DomainId, string? DomainName);

    /// <param name="source">The caller's address, for the per-source throttle; null for a caller on no network.</param>
    public async Task<IssuedToken> AuthenticateAsync(Reference user, string password, Reference? project, string? source, CancellationToken cancellationToken = default)
    {
        CheckReference(user, "user");
        if (project is not null)
        {
            CheckReference(project, "project");
        }

        var attempt = new LoginAttempt(source, UserKey(user), user.Name ?? user.Id!);
        Admission admission;
        try
        {
            admission = throttle.Admit(attempt);
        }
        catch (LoginThrottledException)
        {
            recent.Record(source, attempt.UserDisplay, throttled: true);
            throw;
        }

        UserCredentials? candidate;
        using (admission)
        {
            candidate = await FindUserAsync(user, cancellationToken);
            // An unknown user is checked against a decoy hash: the same time as a known one.
            var matches = await hashing.RunAsync(() => PasswordHasher.Verify(password, candidate?.PasswordHash), cancellationToken);
            var locked = candidate is not null && lockout.IsLocked(candidate.FailedAuthCount, candidate.FailedAuthAt);
            if (candidate is null || !matches || candidate.Enabled == 0 || locked)
            {
                admission.Failed();
                recent.Record(source, attempt.UserDisplay, throttled: false);
                if (candidate is not null && !locked)
                {
                    // Keystone counts failures up to the lock and no further while it holds, so a flood cannot extend it.
                    await lockout.RecordFailureAsync(candidate.Id, attempt.UserDisplay, CancellationToken.None);
                }

                throw new AuthenticationFailedException();
            }
        }

        if (candidate.FailedAuthCount > 0)
        {
            await lockout.ClearAsync(candidate.Id, CancellationToken.None);
        }

        string? projectId = null;
        if (project is not null)
        {
            projectId = await FindProjectIdAsync(project, cancellationToken) ?? throw new AuthenticationFailedException();
        }

        // IssueAsync validates the new token, which fails for a disabled project or a user without a role there.
        return await tokens.IssueAsync(candidate.Id, projectId, [TokenService.PasswordMethod], cancellationToken: cancellationToken);
    }

    /// <summary>The throttle's key for a user: the id, or the domain and name as given.</summary>
    private static string UserKey(Reference user) =>
        user.Id is not null ? $"id:{user.Id}" : $"{user.DomainId ?? "domain-name:" + user.DomainName}/{user.Name}";

    /// <summary>
    /// Keystone's token method: trades a valid token for one with another scope, for the same user and
    /// never outliving the original. An invalid token is the same failure as a wrong password.
    /// </summary>
    public async Task<IssuedToken> RescopeAsync(string secret, Reference? project, CancellationToken cancellationToken = default)
    {
        if (project is not null)
        {
            CheckReference(project, "project");
        }

        var original = await tokens.ValidateAsync(secret, cancellationToken) ?? throw new AuthenticationFailedException();
        string? projectId = null;
        if (project is not null)
        {
            projectId = await FindProjectIdAsync(project, cancellationToken) ?? throw new AuthenticationFailedException();
        }

        var methods = original.Methods.Prepend(TokenService.TokenMethod).Distinct().ToList();
        return await tokens.IssueAsync(original.UserId, projectId, methods, original.ExpiresAt, cancellationToken);
    }

    private static void CheckReference(Reference reference, string target)
    {
        if (reference.Id is null && reference.Name is null)
        {
            throw IdentityValidationException.Missing("id or name", target);
        }

        if (reference.Id is null && reference.DomainId is null && reference.DomainName is null)
        {
            throw IdentityValidationException.Missing("domain", target);
        }
    }

    private async Task<string?> DomainIdAsync(Reference reference, CancellationToken cancellationToken)
    {
        if (reference.DomainId is not null)
        {
            return (await domains.GetAsync(reference.DomainId, cancellationToken))?.Id;
        }

        return (await domains.GetByNameAsync(reference.DomainName!, cancellationToken))?.Id;
    }

    private async Task<UserCredentials?> FindUserAsync(Reference user, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        const string select = "SELECT id AS Id, password_hash AS PasswordHash, enabled AS Enabled, failed_auth_count AS FailedAuthCount, failed_auth_at AS FailedAuthAt FROM users";
        if (user.Id is not null)
        {
            return await connection.QuerySingleOrDefaultAsync<UserCredentials>(select + " WHERE id = @Id", user);
        }

        var domainId = await DomainIdAsync(user, cancellationToken);
        return domainId is null
            ? null
            : await connection.QuerySingleOrDefaultAsync<UserCredentials>(select + " WHERE domain_id = @domainId AND name = @name", new { domainId, name = user.Name });
    }

    private async Task<string?> FindProjectIdAsync(Reference project, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (project.Id is not null)
        {
            return await connection.QuerySingleOrDefaultAsync<string>("SELECT id FROM projects WHERE id = @Id", project);
        }

        var domainId = await DomainIdAsync(project, cancellationToken);
        return domainId is null
            ? null
            : await connection.QuerySingleOrDefaultAsync<string>(
                "SELECT id FROM projects WHERE domain_id = @domainId AND name = @name", new { domainId, name = project.Name });
    }

    internal sealed class UserCredentials
    {
        public string Id { get; init; } = "";
        public string? PasswordHash { get; init; }
        public long Enabled { get; init; }
        public long FailedAuthCount { get; init; }
        public string? FailedAuthAt { get; init; }
    }
}
