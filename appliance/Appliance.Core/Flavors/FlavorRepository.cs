using System.Globalization;
using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Flavors;

/// <summary>Flavor rows in SQLite: the one place their SQL is written.</summary>
/// <remarks>Its members are internal to the core: the type is public only for the public services' constructors (see <see cref="Database"/>).</remarks>
public sealed class FlavorRepository(Database database)
{
    /// <summary>Nova's allowed sort keys, by API name, and their columns.</summary>
    internal static readonly IReadOnlyDictionary<string, string> SortColumns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["created_at"] = "created_at",
        ["description"] = "description",
        ["disabled"] = "disabled",
        ["ephemeral_gb"] = "ephemeral_gb",
        ["flavorid"] = "flavorid",
        ["id"] = "id",
        ["is_public"] = "is_public",
        ["memory_mb"] = "memory_mb",
        ["name"] = "name",
        ["root_gb"] = "root_gb",
        ["rxtx_factor"] = "rxtx_factor",
        ["swap"] = "swap",
        ["vcpus"] = "vcpus",
    };

    private const string Columns = """
        flavorid AS FlavorId, name AS Name, memory_mb AS MemoryMb, vcpus AS Vcpus, root_gb AS RootGb,
        ephemeral_gb AS EphemeralGb, swap AS Swap, rxtx_factor AS RxtxFactor, is_public AS IsPublic,
        disabled AS Disabled, description AS Description
        """;

    internal sealed record Row(
        string FlavorId, string Name, long MemoryMb, long Vcpus, long RootGb, long EphemeralGb, long Swap,
        double RxtxFactor, long IsPublic, long Disabled, string? Description)
    {
        public Flavor ToFlavor() => new(FlavorId, Name, (int)MemoryMb, (int)Vcpus, (int)RootGb, (int)EphemeralGb, (int)Swap,
            RxtxFactor, IsPublic != 0, Disabled != 0, Description);
    }

    internal async Task<Flavor?> FindAsync(string flavorId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(
            $"SELECT {Columns} FROM flavors WHERE flavorid = @flavorId", new { flavorId });
        return row?.ToFlavor();
    }

    /// <summary>Adds a flavor; false when its name or id is taken.</summary>
    internal Task<bool> InsertAsync(Flavor flavor, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var taken = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM flavors WHERE flavorid = @FlavorId OR name = @Name", flavor, transaction);
            if (taken > 0)
            {
                return false;
            }

            await connection.ExecuteAsync("""
                INSERT INTO flavors (flavorid, name, memory_mb, vcpus, root_gb, ephemeral_gb, swap, rxtx_factor, is_public, disabled, description, created_at)
                VALUES (@FlavorId, @Name, @MemoryMb, @Vcpus, @RootGb, @EphemeralGb, @Swap, @RxtxFactor, @IsPublic, @Disabled, @Description, @CreatedAt)
                """, new
            {
                flavor.FlavorId,
                flavor.Name,
                flavor.MemoryMb,
                flavor.Vcpus,
                flavor.RootGb,
                flavor.EphemeralGb,
                flavor.Swap,
                flavor.RxtxFactor,
                IsPublic = flavor.IsPublic ? 1 : 0,
                Disabled = flavor.Disabled ? 1 : 0,
                flavor.Description,
                CreatedAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            }, transaction);
            return true;
        }, cancellationToken);

    /// <summary>Removes a flavor with its extra specs and access list; false when there was none.</summary>
    internal Task<bool> DeleteAsync(string flavorId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(
            "DELETE FROM flavors WHERE flavorid = @flavorId", new { flavorId }, transaction) == 1,
            cancellationToken);

    /// <summary>Sets (adds or replaces) extra specs of a flavor.</summary>
    internal Task SetExtraSpecsAsync(string flavorId, IReadOnlyDictionary<string, string> specs, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            foreach (var (key, value) in specs)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO flavor_extra_specs (flavor_id, key, value) SELECT id, @key, @value FROM flavors WHERE flavorid = @flavorId
                    ON CONFLICT (flavor_id, key) DO UPDATE SET value = excluded.value
                    """, new { flavorId, key, value }, transaction);
            }

            return 0;
        }, cancellationToken);

    /// <summary>Removes one extra spec; false when the flavor had no such key.</summary>
    internal Task<bool> DeleteExtraSpecAsync(string flavorId, string key, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(
            "DELETE FROM flavor_extra_specs WHERE key = @key AND flavor_id = (SELECT id FROM flavors WHERE flavorid = @flavorId)",
            new { flavorId, key }, transaction) == 1, cancellationToken);

    /// <summary>The flavor's extra specs (key -> value), ordered by key.</summary>
    internal async Task<IReadOnlyDictionary<string, string>> ExtraSpecsAsync(string flavorId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var specs = await connection.QueryAsync<SpecRow>("""
            SELECT s.key, s.value FROM flavor_extra_specs s JOIN flavors f ON f.id = s.flavor_id
            WHERE f.flavorid = @flavorId ORDER BY s.key
            """, new { flavorId });
        return specs.ToDictionary(spec => spec.Key, spec => spec.Value, StringComparer.Ordinal);
    }

    /// <summary>Public flavors, plus private ones the project was given access to (or all private ones for admins).</summary>
    internal async Task<IReadOnlyList<Flavor>> ListAsync(FlavorQuery query, string projectId, bool isAdmin, CancellationToken cancellationToken = default)
    {
        var column = SortColumns[query.SortKey];
        var direction = query.Descending ? "DESC" : "ASC";
        var visibility = query.IsPublic switch
        {
            // As Nova: "public" also takes in private flavors shared with the caller's project.
            true => "(is_public = 1 OR id IN (SELECT flavor_id FROM flavor_projects WHERE project_id = @projectId))",
            false => isAdmin ? "is_public = 0" : "is_public = 0 AND id IN (SELECT flavor_id FROM flavor_projects WHERE project_id = @projectId)",
            null => isAdmin ? "1 = 1" : "(is_public = 1 OR id IN (SELECT flavor_id FROM flavor_projects WHERE project_id = @projectId))",
        };
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT {Columns} FROM flavors
            WHERE disabled = 0 AND {visibility}
              AND (@minDisk IS NULL OR root_gb >= @minDisk) AND (@minRam IS NULL OR memory_mb >= @minRam)
            ORDER BY {column} {direction}, id {direction}
            """);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(
            sql, new { projectId, minDisk = query.MinDisk, minRam = query.MinRam });
        return rows.Select(row => row.ToFlavor()).ToList();
    }

    internal sealed record SpecRow(string Key, string Value);
}
