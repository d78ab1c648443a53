using System.Text.Json;
using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Identity;

/// <summary>Projects: create, read, list with Keystone's filters, delete (their assignments and tokens go with them).</summary>
public sealed class ProjectService(Database database, DomainService domains, TimeProvider clock)
{
    /// <summary>Keystone's limit for a project name.</summary>
    public const int MaxNameLength = 64;

    public sealed record NewProject(string Name, string? DomainId = null, string? Description = null, bool Enabled = true, IReadOnlyList<string>? Tags = null);

    public sealed record Filter(string? Name = null, string? DomainId = null, bool? Enabled = null);

    public async Task<Project> CreateAsync(NewProject request, CancellationToken cancellationToken = default)
    {
        var name = IdentityNames.Check(request.Name, "project", MaxNameLength);
        var domainId = await domains.RequireIdAsync(request.DomainId, cancellationToken);
        var tags = (request.Tags ?? []).Distinct(StringComparer.Ordinal).ToList();
        var project = new Project(Guid.NewGuid().ToString("N"), domainId, name, request.Description, request.Enabled, tags);
        return await database.WriteAsync(async (connection, transaction) =>
        {
            var taken = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM projects WHERE domain_id = @DomainId AND name = @Name", project, transaction);
            if (taken > 0)
            {
                throw new IdentityConflictException("project",
                    $"it is not permitted to have two projects with the same name in the same domain : {name}");
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO projects (id, domain_id, name, description, enabled, tags, created_at)
                VALUES (@Id, @DomainId, @Name, @Description, @Enabled, @Tags, @CreatedAt)
                """,
                new
                {
                    project.Id,
                    project.DomainId,
                    project.Name,
                    project.Description,
                    project.Enabled,
                    Tags = JsonSerializer.Serialize(tags),
                    CreatedAt = clock.GetUtcNow().ToString("O"),
                }, transaction);
            return project;
        }, cancellationToken);
    }

    /// <summary>What an update changes; null leaves a field as it is.</summary>
    public sealed record Changes(string? Name = null, string? Description = null, bool? Enabled = null, IReadOnlyList<string>? Tags = null);

    /// <summary>Updates a project; disabling it ends every token scoped to it (validation checks the flag).</summary>
    public async Task<Project> UpdateAsync(string id, Changes changes, CancellationToken cancellationToken = default)
    {
        var name = changes.Name is null ? null : IdentityNames.Check(changes.Name, "project", MaxNameLength);
        var tags = changes.Tags is null ? null : JsonSerializer.Serialize(changes.Tags.Distinct(StringComparer.Ordinal).ToList());
        await database.WriteAsync(async (connection, transaction) =>
        {
            var current = await connection.QuerySingleOrDefaultAsync<ProjectRow>(SelectSql + " WHERE id = @id", new { id }, transaction)
                ?? throw new IdentityNotFoundException("project", id);
            if (name is not null && name != current.Name
                && await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM projects WHERE domain_id = @DomainId AND name = @name", new { current.DomainId, name }, transaction) > 0)
            {
                throw new IdentityConflictException("project",
                    $"it is not permitted to have two projects with the same name in the same domain : {name}");
            }

            return await connection.ExecuteAsync(
                """
                UPDATE projects SET name = COALESCE(@name, name), description = COALESCE(@Description, description),
                    enabled = COALESCE(@Enabled, enabled), tags = COALESCE(@tags, tags)
                WHERE id = @id
                """, new { id, name, changes.Description, changes.Enabled, tags }, transaction);
        }, cancellationToken);
        return await RequireAsync(id, cancellationToken);
    }

    public async Task<Project?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ProjectRow>(SelectSql + " WHERE id = @id", new { id });
        return row?.ToProject();
    }

    public async Task<Project> RequireAsync(string id, CancellationToken cancellationToken = default) =>
        await GetAsync(id, cancellationToken) ?? throw new IdentityNotFoundException("project", id);

    /// <summary>A project by id, else by name in the default domain: how the CLI names them.</summary>
    public async Task<Project?> FindAsync(string idOrName, CancellationToken cancellationToken = default) =>
        await GetAsync(idOrName, cancellationToken)
        ?? (await ListAsync(new Filter(Name: idOrName, DomainId: Domain.DefaultId), cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<Project>> ListAsync(Filter filter, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ProjectRow>(
            SelectSql + """
             WHERE (@Name IS NULL OR name = @Name)
               AND (@DomainId IS NULL OR domain_id = @DomainId)
               AND (@Enabled IS NULL OR enabled = @Enabled)
             ORDER BY name, id
            """, filter);
        return rows.Select(row => row.ToProject()).ToList();
    }

    /// <summary>The enabled projects a user holds any role on (GET /v3/auth/projects).</summary>
    public async Task<IReadOnlyList<Project>> ListForUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ProjectRow>(
            SelectSql + " WHERE enabled = 1 AND id IN (SELECT project_id FROM role_assignments WHERE user_id = @userId) ORDER BY name, id",
            new { userId });
        return rows.Select(row => row.ToProject()).ToList();
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var deleted = await database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync("DELETE FROM projects WHERE id = @id", new { id }, transaction), cancellationToken);
        if (deleted == 0)
        {
            throw new IdentityNotFoundException("project", id);
        }
    }

    private const string SelectSql =
        "SELECT id AS Id, domain_id AS DomainId, name AS Name, description AS Description, enabled AS Enabled, tags AS Tags FROM projects";

    internal sealed class ProjectRow
    {
        public string Id { get; init; } = "";
        public string DomainId { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Description { get; init; }
        public long Enabled { get; init; }
        public string Tags { get; init; } = "[]";

        public Project ToProject() =>
            new(Id, DomainId, Name, Description, Enabled != 0, JsonSerializer.Deserialize<List<string>>(Tags) ?? []);
    }
}
