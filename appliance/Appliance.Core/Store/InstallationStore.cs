using Dapper;

namespace Appliance.Core.Store;

/// <summary>This installation's identity, created on first start and kept for the life of the data dir.</summary>
internal sealed class InstallationStore(Database database)
{
    public sealed record Installation(string Id, string CreatedAt);

    /// <summary>Returns the installation, creating it on first start.</summary>
    public Task<Installation> EnsureAsync(CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var existing = await connection.QuerySingleOrDefaultAsync<Installation>(
                "SELECT id AS Id, created_at AS CreatedAt FROM installation WHERE singleton = 1", transaction: transaction);
            if (existing is not null)
            {
                return existing;
            }

            var created = new Installation(Guid.NewGuid().ToString(), DateTimeOffset.UtcNow.ToString("O"));
            await connection.ExecuteAsync(
                "INSERT INTO installation (singleton, id, created_at) VALUES (1, @Id, @CreatedAt)", created, transaction);
            return created;
        }, cancellationToken);
}
