using System.Data;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Store;

/// <summary>
/// The appliance's one SQLite file. Every connection gets the same pragmas; writers that read first
/// take the write lock up front (BEGIN IMMEDIATE) so two of them never deadlock on an upgrade, and
/// queue for it in order in this process.
/// </summary>
/// <remarks>
/// Public only as a name, for the public services' constructors (the container builds them through public constructors);
/// everything it does is internal, so nothing outside the core opens a connection.
/// </remarks>
public sealed class Database
{
    private const int BusyTimeoutMs = 5000;

    private readonly string _connectionString;

    internal Database(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
    }

    // SQLite takes one writer at a time; queuing writers here instead of in its busy handler (sleep and retry, no
    // order) keeps a burst of writes from starving one of them past the busy timeout into "database is locked".
    private readonly SemaphoreSlim _writer = new(1, 1);

    internal string Path { get; }

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // synchronous=FULL: a committed transaction survives a power cut, not just a crash.
        await connection.ExecuteAsync($"PRAGMA synchronous=FULL; PRAGMA busy_timeout={BusyTimeoutMs};");
        return connection;
    }

    /// <summary>Runs work in a BEGIN IMMEDIATE transaction and commits it; rolls back on any exception.</summary>
    internal async Task<T> WriteAsync<T>(Func<SqliteConnection, IDbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Switches the file to WAL; the mode is stored in the file, so once per start is enough.</summary>
    internal async Task EnableWriteAheadLogAsync(CancellationToken cancellationToken = default)
    {
        RestrictToOwner();
        await using var connection = await OpenAsync(cancellationToken);
        var mode = await connection.QuerySingleAsync<string>("PRAGMA journal_mode=WAL;");
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite refused WAL mode (journal_mode={mode})");
        }
    }

    /// <summary>
    /// Owner-only (0600), created so before SQLite first opens it: the file holds password and token hashes. SQLite gives its
    /// -wal and -shm files the database's mode; files an older version left world-readable are tightened on start.
    /// </summary>
    private void RestrictToOwner()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (new FileStream(Path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = ownerOnly }))
            {
            }
        }
        catch (IOException) when (File.Exists(Path))
        {
            // Already there: tightened below.
        }

        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm" }.Where(File.Exists))
        {
            File.SetUnixFileMode(file, ownerOnly);
        }
    }

    /// <summary>Answers when the file can be read; the health check's database probe.</summary>
    internal async Task PingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteScalarAsync<int>("SELECT 1");
    }

    /// <summary>Folds the WAL back into the main file; called at shutdown so the .db is whole on its own.</summary>
    internal async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE);");
    }
}
