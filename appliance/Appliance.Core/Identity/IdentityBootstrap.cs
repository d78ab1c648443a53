using Appliance.Core.Configuration;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Identity;

/// <summary>
/// First start: an `admin` project, an `admin` user with a random password and the admin role on it, and
/// DATA_DIR/admin-openrc to log in with. Runs once per data dir: a store that has any user is left alone.
/// </summary>
public sealed class IdentityBootstrap(Database database, DataPaths paths, ApplianceOptions options, TimeProvider clock, ILogger<IdentityBootstrap> logger)
{
    public const string AdminName = "admin";

    /// <summary>Returns the path of admin-openrc when this call created the admin, else null.</summary>
    public async Task<string?> EnsureAsync(CancellationToken cancellationToken = default)
    {
        // Every later start stops here, without paying for a password hash nobody needs.
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users") > 0)
            {
                return null;
            }
        }

        var password = TokenSecret.NewPassword();
        var passwordHash = PasswordHasher.Hash(password);
        var written = await database.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users", transaction: transaction) > 0)
            {
                return false;
            }

            var now = clock.GetUtcNow().ToString("O");
            var admin = new
            {
                ProjectId = Guid.NewGuid().ToString("N"),
                UserId = Guid.NewGuid().ToString("N"),
                DomainId = Domain.DefaultId,
                Name = AdminName,
                PasswordHash = passwordHash,
                Now = now,
            };
            await connection.ExecuteAsync(
                """
                INSERT INTO projects (id, domain_id, name, description, enabled, tags, created_at)
                VALUES (@ProjectId, @DomainId, @Name, 'Bootstrap project for initializing the cloud.', 1, '[]', @Now);
                INSERT INTO users (id, domain_id, name, password_hash, enabled, default_project_id, created_at)
                VALUES (@UserId, @DomainId, @Name, @PasswordHash, 1, @ProjectId, @Now);
                INSERT INTO role_assignments (user_id, project_id, role_id)
                SELECT @UserId, @ProjectId, id FROM roles WHERE name = 'admin';
                """, admin, transaction);

            // Written before commit: if the file cannot be written, no admin exists whose password nobody knows.
            AdminOpenRc.Write(paths.AdminOpenRc,
                AdminOpenRc.Render(AdminOpenRc.AuthUrl(options), AdminName, password, AdminName, Domain.Default.Name));
            return true;
        }, cancellationToken);

        if (!written)
        {
            return null;
        }

        logger.LogInformation("Created the admin user; its credentials are in {AdminOpenRc} (source it for the openstack CLI)", paths.AdminOpenRc);
        return paths.AdminOpenRc;
    }
}
