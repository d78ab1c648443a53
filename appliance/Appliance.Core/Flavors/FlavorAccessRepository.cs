using System.Data;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Flavors;

/// <summary>Which projects may use a private flavor (os-flavor-access): the flavor_projects rows, in the order they were granted.</summary>
/// <remarks>Its members are internal to the core: the type is public only for the public services' constructors (see <see cref="Database"/>).</remarks>
public sealed class FlavorAccessRepository(Database database)
{
    internal async Task<IReadOnlyList<string>> ProjectsAsync(string flavorId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await Projects(connection, null, flavorId, cancellationToken);
    }

    /// <summary>Grants the project access and returns the flavor's access list; a conflict when it already had access.</summary>
    internal Task<IReadOnlyList<string>> AddAsync(string flavorId, string projectId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var id = await InternalId(connection, transaction, flavorId, cancellationToken);
            var added = await connection.ExecuteAsync(
                "INSERT INTO flavor_projects (flavor_id, project_id) VALUES (@id, @projectId) ON CONFLICT DO NOTHING",
                new { id, projectId }, transaction);
            // Nova names the flavor by its database id here, not by the API's flavor id.
            return added == 1
                ? await Projects(connection, transaction, flavorId, cancellationToken)
                : throw new AlreadyExistsException($"Flavor access already exists for flavor {id} and project {projectId} combination.");
        }, cancellationToken);

    /// <summary>Revokes the project's access and returns the flavor's access list; not found when it had none.</summary>
    internal Task<IReadOnlyList<string>> RemoveAsync(string flavorId, string projectId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var id = await InternalId(connection, transaction, flavorId, cancellationToken);
            var removed = await connection.ExecuteAsync(
                "DELETE FROM flavor_projects WHERE flavor_id = @id AND project_id = @projectId",
                new { id, projectId }, transaction);
            return removed == 1
                ? await Projects(connection, transaction, flavorId, cancellationToken)
                : throw new NotFoundException($"Flavor access not found for {id} / {projectId} combination.");
        }, cancellationToken);

    private static async Task<long> InternalId(SqliteConnection connection, IDbTransaction transaction, string flavorId, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long?>(
            "SELECT id FROM flavors WHERE flavorid = @flavorId", new { flavorId }, transaction)
        ?? throw new NotFoundException($"Flavor {flavorId} could not be found.");

    private static async Task<IReadOnlyList<string>> Projects(SqliteConnection connection, IDbTransaction? transaction, string flavorId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>("""
            SELECT p.project_id FROM flavor_projects p JOIN flavors f ON f.id = p.flavor_id
            WHERE f.flavorid = @flavorId ORDER BY p.rowid
            """, new { flavorId }, transaction)).ToList();
}
