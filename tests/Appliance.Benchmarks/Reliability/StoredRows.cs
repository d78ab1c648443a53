using Microsoft.Data.Sqlite;

namespace Appliance.Benchmarks.Reliability;

public sealed record ServerRow(string Uuid, string ProjectId, string VmState, string? TaskState, bool Deleted, int Vcpus, int MemoryMb,
    string ImageRef, bool Launched);

public sealed record VolumeRow(string ServerUuid, string VolumeId, bool DeleteOnTermination);

/// <summary>One fixed address and the port that holds it: which server's (empty when unbound).</summary>
public sealed record AddressRow(string IpAddress, string PortId, string DeviceId);

/// <summary>The rows the invariants need, read straight from the SQLite file (read-only; WAL lets it run beside the appliance).</summary>
public sealed record StoredRows(IReadOnlyList<ServerRow> Servers, IReadOnlyList<VolumeRow> Volumes, IReadOnlyList<AddressRow> Addresses)
{
    public IEnumerable<ServerRow> Live => Servers.Where(server => !server.Deleted);

    public static StoredRows Read(string databasePath)
    {
        using var connection = Open(databasePath, SqliteOpenMode.ReadOnly);
        var servers = new List<ServerRow>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT uuid, project_id, vm_state, task_state, deleted, vcpus, memory_mb, image_ref, launched_at IS NOT NULL FROM servers";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                servers.Add(new ServerRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetInt64(4) != 0, reader.GetInt32(5), reader.GetInt32(6), reader.GetString(7), reader.GetInt64(8) != 0));
            }
        }

        var volumes = new List<VolumeRow>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT server_uuid, volume_id, delete_on_termination FROM block_device_mappings WHERE destination_type = 'volume' AND volume_id IS NOT NULL";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                volumes.Add(new VolumeRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0));
            }
        }

        var addresses = new List<AddressRow>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT i.ip_address, p.id, p.device_id FROM port_ips i JOIN ports p ON p.id = i.port_id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                addresses.Add(new AddressRow(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        return new StoredRows(servers, volumes, addresses);
    }

    /// <summary>PRAGMA integrity_check on the file as the crash left it (main file and WAL); "ok" when whole.</summary>
    public static string IntegrityCheck(string databasePath)
    {
        using var connection = Open(databasePath, SqliteOpenMode.ReadWrite);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return string.Join("; ", ReadAll(command));
    }

    private static IEnumerable<string> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return reader.GetString(0);
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
