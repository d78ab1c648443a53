using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Appliance.Core.Servers;

/// <summary>
/// Server rows the lists have read, each kept with the row_version it was read at. A list reads only (uuid, row_version)
/// for its page and the whole row only where the version moved: clients poll lists, and most rows have not changed
/// since the last poll. Exact, not eventually right: the database bumps row_version on every update (migration 0010).
/// </summary>
internal sealed class ServerRowCache
{
    /// <summary>More servers than one box holds; past it the cache starts over rather than tracking use.</summary>
    public const int Capacity = 8192;

    private readonly ConcurrentDictionary<string, ServerRecord> _rows = new(StringComparer.Ordinal);

    public bool TryGet(string uuid, long rowVersion, [NotNullWhen(true)] out ServerRecord? row)
    {
        if (_rows.TryGetValue(uuid, out row) && row.RowVersion == rowVersion)
        {
            return true;
        }

        row = null;
        return false;
    }

    /// <summary>Keeps freshly read rows; a newer version replaces an older one, never the reverse.</summary>
    public void Put(IReadOnlyCollection<ServerRecord> rows)
    {
        // Count takes every lock of the dictionary, so it is read once per batch, not per row.
        if (_rows.Count + rows.Count > Capacity)
        {
            _rows.Clear();
        }

        foreach (var row in rows)
        {
            _rows.AddOrUpdate(row.Uuid, row, (_, held) => held.RowVersion > row.RowVersion ? held : row);
        }
    }
}
