using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Appliance.Tests.Networking;

/// <summary>
/// The rows of an appliance's networks and servers the crash test needs, read straight from the SQLite file (read-only,
/// beside the running appliance).
/// </summary>
internal sealed class StoredNetworkRows(string path)
{
    public string Path => path;

    public sealed record Port(string Mac, string Ip, string DeviceId);

    public sealed record Network(string LibvirtName, string PoolStart);

    /// <summary>Addresses held now.</summary>
    public int HeldAddresses() => Count("SELECT COUNT(*) FROM port_ips");

    /// <summary>Servers whose delete is done.</summary>
    public int GoneServers() => Count("SELECT COUNT(*) FROM servers WHERE deleted = 1");

    /// <summary>How many live servers are in each vm_state.</summary>
    public IReadOnlyDictionary<string, int> ServerStates() =>
        Query("SELECT vm_state, COUNT(*) FROM servers WHERE deleted = 0 GROUP BY vm_state", r => (r.GetString(0), r.GetInt32(1)))
            .ToDictionary(pair => pair.Item1, pair => pair.Item2, StringComparer.Ordinal);

    public IReadOnlyList<Port> Ports() =>
        Query("SELECT p.mac_address, i.ip_address, p.device_id FROM ports p JOIN port_ips i ON i.port_id = p.id",
            r => new Port(r.GetString(0), r.GetString(1), r.GetString(2)));

    public Network PrivateNetwork() => Query("""
        SELECT n.libvirt_name, s.allocation_pools FROM networks n JOIN subnets s ON s.network_id = n.id WHERE n.name = 'private'
        """, r => new Network(r.GetString(0), PoolStart(r.GetString(1)))).Single();

    /// <summary>The faults of servers in ERROR, for a report of what failed.</summary>
    public IReadOnlyList<string> Faults() =>
        Query("SELECT uuid, coalesce(fault_json, '(no fault)') FROM servers WHERE vm_state = 'error' AND deleted = 0", r => $"{r.GetString(0)}: {r.GetString(1)}");

    private int Count(string sql) => Query(sql, r => r.GetInt32(0)).Single();

    /// <summary>The first pool's start, as the store keeps pools (JSON, Start/End).</summary>
    private static string PoolStart(string pools)
    {
        var first = JsonDocument.Parse(pools).RootElement[0];
        return (first.TryGetProperty("Start", out var start) ? start : first.GetProperty("start")).GetString()!;
    }

    /// <summary>A read beside the running appliance; one that meets the writer's lock (a checkpoint) is tried again.</summary>
    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                using var reader = command.ExecuteReader();
                var rows = new List<T>();
                while (reader.Read())
                {
                    rows.Add(read(reader));
                }

                return rows;
            }
            catch (SqliteException) when (attempt < 20)
            {
                Thread.Sleep(50);
            }
        }
    }
}
