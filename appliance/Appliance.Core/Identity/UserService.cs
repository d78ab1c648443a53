using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Identity;

/// <summary>Users: passwords go in as text and are kept only as PBKDF2 hashes; deleting a user ends their tokens.</summary>
public sealed class UserService(Database database, DomainService domains, TimeProvider clock)
{
    /// <summary>Keystone's limit for a user name.</summary>
    public const int MaxNameLength = 255;

    public sealed record NewUser(
        string Name, string? Password, string? DomainId = null, bool Enabled = true,
        string? DefaultProjectId = null, string? Description = null, string? Email = null);

    public sealed record Filter(string? Name = null, string? DomainId = null, bool? Enabled = null);

    public async Task<User> CreateAsync(NewUser request, CancellationToken cancellationToken = default)
    {
        var name = IdentityNames.Check(request.Name, "user", MaxNameLength);
        if (request.Password is { Length: > PasswordHasher.MaxPasswordLength })
        {
            throw new IdentityValidationException($"Invalid input for field 'password': at most {PasswordHasher.MaxPasswordLength} characters.");
        }

        var domainId = await domains.RequireIdAsync(request.DomainId, cancellationToken);
        var user = new User(Guid.NewGuid().ToString("N"), domainId, name, request.Enabled, request.DefaultProjectId, request.Description, request.Email);
        // Hashing is the slow part: do it before taking the write lock.
        var passwordHash = request.Password is null ? null : PasswordHasher.Hash(request.Password);
        return await database.WriteAsync(async (connection, transaction) =>
        {
            var taken = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM users WHERE domain_id = @DomainId AND name = @Name", user, transaction);
            if (taken > 0)
            {
                throw new IdentityConflictException("user", $"Duplicate entry found with name {name} at domain ID {domainId}");
            }

            if (user.DefaultProjectId is { } projectId
                && await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM projects WHERE id = @projectId", new { projectId }, transaction) == 0)
            {
                throw new IdentityNotFoundException("project", projectId);
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO users (id, domain_id, name, password_hash, enabled, default_project_id, description, email, created_at)
                VALUES (@Id, @DomainId, @Name, @PasswordHash, @Enabled, @DefaultProjectId, @Description, @Email, @CreatedAt)
                """,
                new
                {
                    user.Id,
                    user.DomainId,
                    user.Name,
                    PasswordHash = passwordHash,
                    user.Enabled,
                    user.DefaultProjectId,
                    user.Description,
                    user.Email,
                    CreatedAt = clock.GetUtcNow().ToString("O"),
                }, transaction);
            return user;
        }, cancellationToken);
    }

    /// <summary>What an update changes; null leaves a field as it is.</summary>
    public sealed record Changes(
        string? Name = null, string? Password = null, bool? Enabled = null,
        string? DefaultProjectId = null, string? Description = null, string? Email = null);

    /// <summary>
    /// Updates a user. A new password or disabling the user revokes every token they hold, as Keystone does,
    /// so a leaked password stops working the moment it is changed.
    /// </summary>
    public async Task<User> UpdateAsync(string id, Changes changes, CancellationToken cancellationToken = default)
    {
        var name = changes.Name is null ? null : IdentityNames.Check(changes.Name, "user", MaxNameLength);
        if (changes.Password is { Length: > PasswordHasher.MaxPasswordLength })
        {
            throw new IdentityValidationException($"Invalid input for field 'password': at most {PasswordHasher.MaxPasswordLength} characters.");
        }

        var passwordHash = changes.Password is null ? null : PasswordHasher.Hash(changes.Password);
        await database.WriteAsync(async (connection, transaction) =>
        {
            var current = await connection.QuerySingleOrDefaultAsync<UserRow>(SelectSql + " WHERE id = @id", new { id }, transaction)
                ?? throw new IdentityNotFoundException("user", id);
            if (name is not null && name != current.Name
                && await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE domain_id = @DomainId AND name = @name", new { current.DomainId, name }, transaction) > 0)
            {
                throw new IdentityConflictException("user", $"Duplicate entry found with name {name} at domain ID {current.DomainId}");
            }

            if (changes.DefaultProjectId is { } projectId
                && await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM projects WHERE id = @projectId", new { projectId }, transaction) == 0)
            {
                throw new IdentityNotFoundException("project", projectId);
            }

            await connection.ExecuteAsync(
                """
                UPDATE users SET name = COALESCE(@name, name), password_hash = COALESCE(@passwordHash, password_hash),
                    enabled = COALESCE(@Enabled, enabled), default_project_id = COALESCE(@DefaultProjectId, default_project_id),
                    description = COALESCE(@Description, description), email = COALESCE(@Email, email),
                    -- A new password set by an admin unlocks the user, as Keystone's lockout expects.
                    failed_auth_count = CASE WHEN @passwordHash IS NULL THEN failed_auth_count ELSE 0 END,
                    failed_auth_at = CASE WHEN @passwordHash IS NULL THEN failed_auth_at ELSE NULL END
                WHERE id = @id
                """,
                new { id, name, passwordHash, changes.Enabled, changes.DefaultProjectId, changes.Description, changes.Email }, transaction);
            if (passwordHash is not null || changes.Enabled == false)
            {
                await connection.ExecuteAsync("UPDATE tokens SET revoked = 1 WHERE user_id = @id", new { id }, transaction);
            }

            return 0;
        }, cancellationToken);
        return await RequireAsync(id, cancellationToken);
    }

    public async Task<User?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<UserRow>(SelectSql + " WHERE id = @id", new { id }))?.ToUser();
    }

    public async Task<User> RequireAsync(string id, CancellationToken cancellationToken = default) =>
        await GetAsync(id, cancellationToken) ?? throw new IdentityNotFoundException("user", id);

    /// <summary>A user by id, else by name in the default domain: how the CLI names them.</summary>
    public async Task<User?> FindAsync(string idOrName, CancellationToken cancellationToken = default) =>
        await GetAsync(idOrName, cancellationToken)
        ?? (await ListAsync(new Filter(Name: idOrName, DomainId: Domain.DefaultId), cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<User>> ListAsync(Filter filter, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserRow>(
            SelectSql + """
             WHERE (@Name IS NULL OR name = @Name)
               AND (@DomainId IS NULL OR domain_id = @DomainId)
               AND (@Enabled IS NULL OR enabled = @Enabled)
             ORDER BY name, id
            """, filter);
        return rows.Select(row => row.ToUser()).ToList();
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var deleted = await database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync("DELETE FROM users WHERE id = @id", new { id }, transaction), cancellationToken);
        if (deleted == 0)
        {
            throw new IdentityNotFoundException("user", id);
        }
    }

    private const string SelectSql =
        """
        SELECT id AS Id, domain_id AS DomainId, name AS Name, enabled AS Enabled,
               default_project_id AS DefaultProjectId, description AS Description, email AS Email
        FROM users
        """;

    internal sealed class UserRow
    {
        public string Id { get; init; } = "";
        public string DomainId { get; init; } = "";
        public string Name { get; init; } = "";
        public long Enabled { get; init; }
        public string? DefaultProjectId { get; init; }
        public string? Description { get; init; }
        public string? Email { get; init; }

        public User ToUser() => new(Id, DomainId, Name, Enabled != 0, DefaultProjectId, Description, Email);
    }
}
