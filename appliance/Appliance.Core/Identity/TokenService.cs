using Appliance.Core.Configuration;
using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Identity;

/// <summary>
/// Issues, validates and revokes tokens. A token is valid while it is unexpired, unrevoked, its user is
/// enabled and, when scoped, its project is enabled and the user still holds a role there; roles are read
/// at each validation, so a revoked assignment or a deleted user takes effect at once.
/// </summary>
public sealed class TokenService(Database database, ApplianceOptions options, TimeProvider clock)
{
    public const string PasswordMethod = "password";
    public const string TokenMethod = "token";

    /// <summary>
    /// Stores a new token for a user (scoped to a project, or unscoped) and returns its secret once. It lives
    /// the configured lifetime, but never past <paramref name="notAfter"/> (a rescoped token keeps its parent's end).
    /// </summary>
    public async Task<IssuedToken> IssueAsync(
        string userId, string? projectId, IReadOnlyList<string> methods, DateTimeOffset? notAfter = null, CancellationToken cancellationToken = default)
    {
        var secret = TokenSecret.NewSecret();
        var now = clock.GetUtcNow();
        var token = new
        {
            Hash = TokenSecret.HashOf(secret),
            UserId = userId,
            ProjectId = projectId,
            AuditId = TokenSecret.NewAuditId(),
            Methods = string.Join(',', methods),
            IssuedAtMs = now.ToUnixTimeMilliseconds(),
            ExpiresAtMs = Math.Min((now + options.TokenLifetime).ToUnixTimeMilliseconds(), (notAfter ?? DateTimeOffset.MaxValue).ToUnixTimeMilliseconds()),
        };
        await database.WriteAsync(async (connection, transaction) =>
        {
            // Expired rows can never validate again; dropping them here keeps the table the size of the live set.
            await connection.ExecuteAsync("DELETE FROM tokens WHERE expires_at_ms <= @IssuedAtMs", token, transaction);
            return await connection.ExecuteAsync(
                """
                INSERT INTO tokens (hash, user_id, project_id, audit_id, methods, issued_at_ms, expires_at_ms, revoked)
                VALUES (@Hash, @UserId, @ProjectId, @AuditId, @Methods, @IssuedAtMs, @ExpiresAtMs, 0)
                """, token, transaction);
        }, cancellationToken);

        var context = await ValidateAsync(secret, cancellationToken)
            ?? throw new AuthenticationFailedException(); // the user lost access between check and issue
        return new IssuedToken(secret, context);
    }

    /// <summary>The context a token stands for, or null when it is unknown, expired, revoked or its access is gone.</summary>
    public async Task<RequestContext?> ValidateAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 256)
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(
            """
            SELECT t.user_id AS UserId, u.name AS UserName, u.enabled AS UserEnabled, ud.id AS UserDomainId, ud.name AS UserDomainName,
                   t.project_id AS ProjectId, p.name AS ProjectName, p.enabled AS ProjectEnabled, pd.id AS ProjectDomainId, pd.name AS ProjectDomainName,
                   t.audit_id AS AuditId, t.methods AS Methods, t.issued_at_ms AS IssuedAtMs, t.expires_at_ms AS ExpiresAtMs, t.revoked AS Revoked
            FROM tokens t
            JOIN users u ON u.id = t.user_id
            JOIN domains ud ON ud.id = u.domain_id
            LEFT JOIN projects p ON p.id = t.project_id
            LEFT JOIN domains pd ON pd.id = p.domain_id
            WHERE t.hash = @hash
            """, new { hash = TokenSecret.HashOf(secret) });
        if (row is null || row.Revoked != 0 || row.UserEnabled == 0 || clock.GetUtcNow().ToUnixTimeMilliseconds() >= row.ExpiresAtMs)
        {
            return null;
        }

        ScopedProject? project = null;
        IReadOnlyList<RoleRef> roles = [];
        if (row.ProjectId is not null)
        {
            if (row.ProjectEnabled == 0)
            {
                return null;
            }

            project = new ScopedProject(row.ProjectId, row.ProjectName!, new Domain(row.ProjectDomainId!, row.ProjectDomainName!));
            roles = await EffectiveRolesAsync(connection, row.UserId, row.ProjectId);
            if (roles.Count == 0)
            {
                return null;
            }
        }

        return new RequestContext(
            row.UserId, row.UserName, new Domain(row.UserDomainId, row.UserDomainName), project, roles,
            row.Methods.Split(','), row.AuditId,
            DateTimeOffset.FromUnixTimeMilliseconds(row.IssuedAtMs), DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAtMs));
    }

    /// <summary>Revokes a token at once; false when there was no such token.</summary>
    public Task<bool> RevokeAsync(string secret, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync("UPDATE tokens SET revoked = 1 WHERE hash = @hash", new { hash = TokenSecret.HashOf(secret) }, transaction) > 0,
            cancellationToken);

    /// <summary>The roles a user holds on a project, directly or implied, in Keystone's order: direct first.</summary>
    private static async Task<IReadOnlyList<RoleRef>> EffectiveRolesAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string userId, string projectId)
    {
        var all = (await connection.QueryAsync<RoleWithGrant>(
            """
            SELECT r.id AS Id, r.name AS Name,
                   EXISTS (SELECT 1 FROM role_assignments a WHERE a.user_id = @userId AND a.project_id = @projectId AND a.role_id = r.id) AS Granted
            FROM roles r ORDER BY r.name
            """, new { userId, projectId })).ToList();
        var effective = BuiltInRoles.Expand(all.Where(role => role.Granted != 0).Select(role => role.Name)).ToHashSet(StringComparer.Ordinal);
        return all.Where(role => effective.Contains(role.Name))
            .OrderBy(role => role.Granted == 0)
            .Select(role => new RoleRef(role.Id, role.Name))
            .ToList();
    }

    internal sealed class RoleWithGrant
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public long Granted { get; init; }
    }

    internal sealed class TokenRow
    {
        public string UserId { get; init; } = "";
        public string UserName { get; init; } = "";
        public long UserEnabled { get; init; }
        public string UserDomainId { get; init; } = "";
        public string UserDomainName { get; init; } = "";
        public string? ProjectId { get; init; }
        public string? ProjectName { get; init; }
        public long? ProjectEnabled { get; init; }
        public string? ProjectDomainId { get; init; }
        public string? ProjectDomainName { get; init; }
        public string AuditId { get; init; } = "";
        public string Methods { get; init; } = "";
        public long IssuedAtMs { get; init; }
        public long ExpiresAtMs { get; init; }
        public long Revoked { get; init; }
    }
}
