using Appliance.Core.Servers;
using Appliance.Core.Store;
using Appliance.Tests.Hosting;
using Dapper;

namespace Appliance.Tests.Store;

/// <summary>The lists' typed row reader must give what the single-server read (Dapper.AOT's mapping) gives, for every column the table has.</summary>
public sealed class ServerRowReaderTests : IDisposable
{
    private readonly TempStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task EveryColumn_FilledOrNull_ReadsAsDapperMapsIt()
    {
        var database = await _store.MigratedAsync();
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("PRAGMA foreign_keys = OFF"); // the rows stand alone: no project or flavor rows behind them
        var columns = (await connection.QueryAsync<(string Name, string Type, bool NotNull)>(
            "SELECT name, type, \"notnull\" FROM pragma_table_info('servers') ORDER BY cid")).ToList();

        // Row 1: every column set, each to its own value. Row 2: every nullable column NULL.
        await InsertAsync(columns, (column, i) => column.Type == "INTEGER" ? 100 + i : $"{column.Name}-{i}");
        await InsertAsync(columns, (column, i) => !column.NotNull && column.Name != "uuid" ? null : column.Type == "INTEGER" ? 0 : $"second-{column.Name}");

        const string sql = "SELECT * FROM servers ORDER BY rowid";
        // The appliance's single-server read: Dapper.AOT's generated mapping.
        var byDapper = new List<ServerRecord>();
        foreach (var uuid in await connection.QueryAsync<string>("SELECT uuid FROM servers ORDER BY rowid"))
        {
            byDapper.Add(Assert.IsType<ServerRecord>(await ServerRepository.FindAsync(connection, null, uuid, includeDeleted: true, CancellationToken.None)));
        }

        await using var reader = await connection.ExecuteReaderAsync(sql);
        var byReader = await ServerRowReader.ReadAllAsync(reader, CancellationToken.None);

        Assert.Equal(2, byReader.Count);
        var stored = typeof(ServerRecord).GetProperties().Where(p => p.CanWrite).ToList();
        Assert.True(stored.Count >= columns.Count, "a column of servers has no ServerRecord property");
        foreach (var (dapper, typed) in byDapper.Zip(byReader))
        {
            foreach (var property in stored)
            {
                Assert.True(Equals(property.GetValue(dapper), property.GetValue(typed)),
                    $"{property.Name}: Dapper read {property.GetValue(dapper) ?? "null"}, the row reader {property.GetValue(typed) ?? "null"}");
            }
        }

        async Task InsertAsync(List<(string Name, string Type, bool NotNull)> all, Func<(string Name, string Type, bool NotNull), int, object?> value)
        {
            var parameters = new DynamicParameters();
            for (var i = 0; i < all.Count; i++)
            {
                parameters.Add($"p{i}", value(all[i], i));
            }

            await connection.ExecuteAsync(
                $"INSERT INTO servers ({string.Join(", ", all.Select(c => c.Name))}) VALUES ({string.Join(", ", all.Select((_, i) => $"@p{i}"))})",
                parameters);
        }
    }
}
