using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Identity;

/// <summary>Role assignments of users on projects: grant, revoke, check, list. Changes apply to live tokens at once.</summary>
public sealed class AssignmentService(Database database)
{
    public sealed record Filter(string? UserId = null, string? ProjectId = null, string? RoleId = null);

    /// <summary>Grants a role; granting one already held is no change. Unknown role, user or project is not found.</summary>
    public Task GrantAsync(string projectId, string userId, string roleId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await RequireExistsAsync(connection, transaction, "roles", "role", roleId);
            await RequireExistsAsync(connection, transaction, "users", "user", userId);
            await RequireExistsAsync(connection, transaction, "projects", "project", projectId);
            return await connection.ExecuteAsync(
                "INSERT OR IGNORE INTO role_assignments (user_id, project_id, role_id) VALUES (@userId, @projectId, @roleId)",
                new { userId, projectId, roleId }, transaction);
        }, cancellationToken);

    public async Task RevokeAsync(string projectId, string userId, string roleId, CancellationToken cancellationToken = default)
    {
        var removed = await database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync(
                "DELETE FROM role_assignments WHERE user_id = @userId AND project_id = @projectId AND role_id = @roleId",
                new { userId, projectId, roleId }, transaction), cancellationToken);
        if (removed == 0)
        {
            throw new RoleAssignmentNotFoundException(roleId, userId, projectId);
        }
    }

    public async Task<bool> ExistsAsync(string projectId, string userId, string roleId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM role_assignments WHERE user_id = @userId AND project_id = @projectId AND role_id = @roleId",
            new { userId, projectId, roleId }) > 0;
    }

    public async Task<IReadOnlyList<RoleAssignment>> ListAsync(Filter filter, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RoleAssignment>(
            """
            SELECT u.id AS UserId, u.name AS UserName, u.domain_id AS UserDomainId,
                   p.id AS ProjectId, p.name AS ProjectName, p.domain_id AS ProjectDomainId,
                   r.id AS RoleId, r.name AS RoleName
            FROM role_assignments a
            JOIN users u ON u.id = a.user_id
            JOIN projects p ON p.id = a.project_id
            JOIN roles r ON r.id = a.role_id
            WHERE (@UserId IS NULL OR a.user_id = @UserId)
              AND (@ProjectId IS NULL OR a.project_id = @ProjectId)
              AND (@RoleId IS NULL OR a.role_id = @RoleId)
            ORDER BY p.name, u.name, r.name
            """, filter);
        return rows.ToList();
    }

    private static async Task RequireExistsAsync(
        Microsoft.Data.Sqlite.SqliteConnection connection, System.Data.IDbTransaction transaction, string table, string kind, string id)
    {
        if (await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE id = @id", new { id }, transaction) == 0)
        {
            throw new IdentityNotFoundException(kind, id);
        }
    }
}
