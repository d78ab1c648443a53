using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Store;

/// <summary>
/// Applies the embedded migrations (Store/Migrations/NNNN_name.sql) in order, each with its row in
/// schema_version inside one IMMEDIATE transaction, so a crash mid-way leaves the schema at a whole version.
/// </summary>
internal sealed class Migrator(Database database, ILogger<Migrator> logger)
{
    private const string ResourcePrefix = "migrations/";

    public sealed record Migration(int Version, string Name, string Sql);

    /// <summary>Brings the file to the newest schema; returns how many migrations ran.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await database.EnableWriteAheadLogAsync(cancellationToken);
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        }

        var applied = 0;
        foreach (var migration in Embedded())
        {
            var ran = await database.WriteAsync(async (connection, transaction) =>
            {
                var present = await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM schema_version WHERE version = @Version", new { migration.Version }, transaction);
                if (present > 0)
                {
                    return false;
                }

                await connection.ExecuteAsync(migration.Sql, transaction: transaction);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                    new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow.ToString("O") },
                    transaction);
                return true;
            }, cancellationToken);

            if (ran)
            {
                applied++;
                logger.LogInformation("Applied schema migration {Version} {Name}", migration.Version, migration.Name);
            }
        }

        return applied;
    }

    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    }

    /// <summary>The migrations compiled into this build, oldest first.</summary>
    public static IReadOnlyList<Migration> Embedded()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => Load(assembly, name))
            .OrderBy(migration => migration.Version)
            .ToList();
    }

    private static Migration Load(Assembly assembly, string resourceName)
    {
        var fileName = Path.GetFileNameWithoutExtension(resourceName[ResourcePrefix.Length..]);
        var separator = fileName.IndexOf('_', StringComparison.Ordinal);
        var version = int.Parse(fileName[..separator], System.Globalization.CultureInfo.InvariantCulture);
        using var stream = assembly.GetManifestResourceStream(resourceName)!;
        using var reader = new StreamReader(stream);
        return new Migration(version, fileName[(separator + 1)..], reader.ReadToEnd());
    }
}
