using Appliance.Core.Store;
using Appliance.Tests.Hosting;
using Dapper;

namespace Appliance.Tests.Store;

public sealed class StoreTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Migrate_TwiceOnTheSameFile_AppliesEachMigrationOnce()
    {
        var database = _store.NewDatabase();

        var first = await TempStore.MigratorFor(database).MigrateAsync();
        var second = await TempStore.MigratorFor(database).MigrateAsync();

        Assert.Equal(Migrator.Embedded().Count, first);
        Assert.Equal(0, second);
        await using var connection = await database.OpenAsync();
        var versions = (await connection.QueryAsync<int>("SELECT version FROM schema_version ORDER BY version")).ToList();
        Assert.Equal(Migrator.Embedded().Select(m => m.Version), versions);
        Assert.Equal(versions.Max(), await TempStore.MigratorFor(database).CurrentVersionAsync());
    }

    [Fact]
    public void EmbeddedMigrations_AreNumberedWithoutGapsFromOne()
    {
        var versions = Migrator.Embedded().Select(m => m.Version).ToList();

        Assert.NotEmpty(versions);
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }

    [Fact]
    public async Task Migrate_LeavesTheFileInWalMode_AndConnectionsWithSafePragmas()
    {
        var database = await _store.MigratedAsync();

        await using var connection = await database.OpenAsync();
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("PRAGMA synchronous")); // 2 = FULL
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("PRAGMA foreign_keys"));
        Assert.Equal(5000, await connection.ExecuteScalarAsync<int>("PRAGMA busy_timeout"));
        Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
    }

    [Fact]
    public async Task SecondStartOnTheSameFile_KeepsTheData()
    {
        string firstId;
        {
            var database = await _store.MigratedAsync();
            firstId = (await new InstallationStore(database).EnsureAsync()).Id;
            await database.CheckpointAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var reopened = await _store.MigratedAsync();
        var secondId = (await new InstallationStore(reopened).EnsureAsync()).Id;

        Assert.Equal(firstId, secondId);
        Assert.True(Guid.TryParse(secondId, out _));
    }

    [Fact]
    public async Task WriteAsync_RollsBackWhenTheWorkThrows()
    {
        var database = await _store.MigratedAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteAsync<int>(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(
                "INSERT INTO installation (singleton, id, created_at) VALUES (1, 'x', 'now')", transaction: transaction);
            throw new InvalidOperationException("abort");
        }));

        await using var check = await database.OpenAsync();
        Assert.Equal(0, await check.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM installation"));
    }

    [Fact]
    public async Task WriteAsync_BeginsImmediate_SoConcurrentReadThenWriteNeverDeadlocks()
    {
        var database = await _store.MigratedAsync();
        await using (var setup = await database.OpenAsync())
        {
            await setup.ExecuteAsync("CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0);");
        }

        // Each writer reads then writes; deferred transactions would fail with SQLITE_BUSY on upgrade.
        var writers = Enumerable.Range(0, 16).Select(_ => Task.Run(() => database.WriteAsync(async (connection, transaction) =>
        {
            var n = await connection.ExecuteScalarAsync<int>("SELECT n FROM counter", transaction: transaction);
            await connection.ExecuteAsync("UPDATE counter SET n = @next", new { next = n + 1 }, transaction);
            return n;
        })));
        await Task.WhenAll(writers);

        await using var check = await database.OpenAsync();
        Assert.Equal(16, await check.ExecuteScalarAsync<int>("SELECT n FROM counter"));
    }
}
