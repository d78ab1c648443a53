using System.Data;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Store;

/// <summary>
/// Parameters of SQL composed at run time (list filters, partial updates), bound straight onto a command, so the
/// queries Dapper's build-time mapping cannot see need no run-time reflection either.
/// </summary>
internal sealed class SqlParameters
{
    private readonly List<KeyValuePair<string, object?>> _values = [];

    public SqlParameters Add(string name, object? value)
    {
        _values.Add(KeyValuePair.Create(name, value));
        return this;
    }

    /// <summary>A list as one JSON array, for <c>IN (SELECT value FROM json_each(@name))</c>.</summary>
    public SqlParameters AddList(string name, IEnumerable<string> values) => Add(name, JsonList(values));

    /// <summary>
    /// A list as one JSON array parameter, read back with SQLite's json_each: a thousand separate parameters cost more to
    /// bind (each looked up by name) than the query costs to run.
    /// </summary>
    public static string JsonList(IEnumerable<string> values) => JsonSerializer.Serialize(values);

    public SqliteCommand CommandFor(SqliteConnection connection, string sql, IDbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = (SqliteTransaction?)transaction;
        foreach (var (name, value) in _values)
        {
            command.Parameters.AddWithValue("@" + name, value ?? DBNull.Value);
        }

        return command;
    }
}
