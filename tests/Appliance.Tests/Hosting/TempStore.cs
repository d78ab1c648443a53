using Appliance.Core.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Tests.Hosting;

/// <summary>
/// A data dir of the test's own for the appliance's SQLite file. Disposing drops SQLite's pooled connections first (they
/// would hold the file open), then removes the dir.
/// </summary>
internal sealed class TempStore : IDisposable
{
    private readonly TempDataDir _dir = new();

    public string Path => _dir.Path;

    /// <summary>A handle on appliance.db in the dir; the file is made when first opened.</summary>
    public Database NewDatabase() => new(System.IO.Path.Combine(_dir.Path, "appliance.db"));

    public static Migrator MigratorFor(Database database) => new(database, NullLogger<Migrator>.Instance);

    /// <summary>appliance.db with every migration applied.</summary>
    public async Task<Database> MigratedAsync()
    {
        var database = NewDatabase();
        await MigratorFor(database).MigrateAsync();
        return database;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
