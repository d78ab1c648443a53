using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Identity;

/// <summary>Domains are read-only here: Default exists from the first migration on.</summary>
public sealed class DomainService(Database database)
{
    public async Task<Domain?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Domain>(
            "SELECT id AS Id, name AS Name FROM domains WHERE id = @id", new { id });
    }

    public async Task<Domain?> GetByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Domain>(
            "SELECT id AS Id, name AS Name FROM domains WHERE name = @name", new { name });
    }

    public async Task<IReadOnlyList<Domain>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<Domain>("SELECT id AS Id, name AS Name FROM domains ORDER BY name")).ToList();
    }

    /// <summary>The given domain id when it exists, Default when none is given.</summary>
    public async Task<string> RequireIdAsync(string? id, CancellationToken cancellationToken = default)
    {
        if (id is null)
        {
            return Domain.DefaultId;
        }

        return (await GetAsync(id, cancellationToken))?.Id ?? throw new IdentityNotFoundException("domain", id);
    }
}
