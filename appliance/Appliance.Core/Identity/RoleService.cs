using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Identity;

/// <summary>Roles: the built-in admin, member and reader, and any an admin adds.</summary>
public sealed class RoleService(Database database)
{
    public const int MaxNameLength = 255;

    public async Task<IReadOnlyList<Role>> ListAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RoleRow>(SelectSql + " WHERE (@name IS NULL OR name = @name) ORDER BY name", new { name });
        return rows.Select(row => row.ToRole()).ToList();
    }

    public async Task<Role?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<RoleRow>(SelectSql + " WHERE id = @id", new { id }))?.ToRole();
    }

    public async Task<Role> RequireAsync(string id, CancellationToken cancellationToken = default) =>
        await GetAsync(id, cancellationToken) ?? throw new IdentityNotFoundException("role", id);

    /// <summary>A role by id, else by name.</summary>
    public async Task<Role?> FindAsync(string idOrName, CancellationToken cancellationToken = default) =>
        await GetAsync(idOrName, cancellationToken) ?? (await ListAsync(idOrName, cancellationToken)).SingleOrDefault();

    public Task<Role> CreateAsync(string name, string? description, CancellationToken cancellationToken = default)
    {
        IdentityNames.Check(name, "role", MaxNameLength);
        var role = new Role(Guid.NewGuid().ToString("N"), name, description, Immutable: false);
        return database.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM roles WHERE name = @Name", role, transaction) > 0)
            {
                throw new IdentityConflictException("role", $"Duplicate entry found with name {name}");
            }

            await connection.ExecuteAsync(
                "INSERT INTO roles (id, name, description, immutable) VALUES (@Id, @Name, @Description, 0)", role, transaction);
            return role;
        }, cancellationToken);
    }

    /// <summary>Deletes a role and every assignment of it; the bootstrap roles are immutable, as Keystone marks them.</summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var role = await RequireAsync(id, cancellationToken);
        if (role.Immutable)
        {
            throw new IdentityForbiddenException(
                $"Unable to delete immutable role resource: `role_id: {id}`. Ensure the resource option `immutable` is False.");
        }

        await database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync("DELETE FROM roles WHERE id = @id", new { id }, transaction), cancellationToken);
    }

    private const string SelectSql = "SELECT id AS Id, name AS Name, description AS Description, immutable AS Immutable FROM roles";

    internal sealed class RoleRow
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Description { get; init; }
        public long Immutable { get; init; }

        public Role ToRole() => new(Id, Name, Description, Immutable != 0);
    }
}
