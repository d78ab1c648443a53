using System.Text;
using Appliance.Core.Networks;
using Appliance.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Servers;

/// <summary>Turns a server list query into SQL: filters, order, then a page after the marker.</summary>
public sealed class ServerListReader(ServerRepository servers)
{
    private readonly ServerRowCache _cache = new();

    /// <summary>One page of servers, with the metadata and tags of each, and whether more follow.</summary>
    public async Task<ServerPage> ListAsync(ServerListQuery query, CancellationToken cancellationToken = default)
    {
        var (where, parameters) = Filter(query);
        var order = OrderBy(query.Sort);
        await using var connection = await servers.OpenAsync(cancellationToken);

        List<RowKey> page;
        if (query.Marker is null)
        {
            parameters.Add("take", query.Limit + 1);
            page = await ReadKeysAsync(parameters.CommandFor(connection, $"SELECT uuid, row_version FROM servers WHERE {where} ORDER BY {order} LIMIT @take"), cancellationToken);
        }
        else
        {
            // The page after the marker, found by its position in the filtered order: any sort works, and a
            // single box holds few enough servers that the ordered keys are cheap to read.
            var ordered = await ReadKeysAsync(parameters.CommandFor(connection, $"SELECT uuid, row_version FROM servers WHERE {where} ORDER BY {order}"), cancellationToken);
            var at = ordered.FindIndex(key => string.Equals(key.Uuid, query.Marker, StringComparison.OrdinalIgnoreCase));
            if (at < 0)
            {
                throw new InvalidRequestException($"marker [{query.Marker}] not found");
            }

            page = ordered.GetRange(at + 1, Math.Min(query.Limit + 1, ordered.Count - at - 1));
        }

        var more = page.Count > query.Limit;
        if (more)
        {
            page.RemoveAt(page.Count - 1);
        }

        var rows = await RowsAsync(connection, page, cancellationToken);
        var uuids = rows.Select(row => row.Uuid).ToList();
        var metadata = await ServerRepository.MetadataAsync(connection, null, uuids, cancellationToken);
        var tags = await ServerRepository.TagsAsync(connection, uuids, cancellationToken);
        var volumes = (await connection.QueryAsync<BlockDeviceMapping>(
                "SELECT * FROM block_device_mappings WHERE server_uuid IN (SELECT value FROM json_each(@uuids)) AND destination_type = 'volume' ORDER BY id",
                new { uuids = SqlParameters.JsonList(uuids) }))
            .GroupBy(m => m.ServerUuid).ToDictionary(g => g.Key, g => (IReadOnlyList<BlockDeviceMapping>)g.ToList());
        var addresses = await NetworkRepository.AddressesAsync(connection, uuids);
        return new ServerPage(rows, metadata, tags, volumes, addresses, more);
    }

    /// <summary>The page's rows in its order: held copies whose version still matches, the rest read whole and kept.</summary>
    private async Task<List<ServerRecord>> RowsAsync(SqliteConnection connection, List<RowKey> page, CancellationToken cancellationToken)
    {
        var rows = new ServerRecord?[page.Count];
        var missing = new List<string>();
        for (var i = 0; i < page.Count; i++)
        {
            if (_cache.TryGet(page[i].Uuid, page[i].RowVersion, out var held))
            {
                rows[i] = held;
            }
            else
            {
                missing.Add(page[i].Uuid);
            }
        }

        if (missing.Count > 0)
        {
            await using var command = new SqlParameters().AddList("missing", missing)
                .CommandFor(connection, "SELECT * FROM servers WHERE uuid IN (SELECT value FROM json_each(@missing))");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var fresh = await ServerRowReader.ReadAllAsync(reader, cancellationToken);
            _cache.Put(fresh);
            var byUuid = fresh.ToDictionary(row => row.Uuid, StringComparer.Ordinal);
            for (var i = 0; i < page.Count; i++)
            {
                // A row read now may be newer than its key (updated in between), the better answer; one purged in between is gone.
                rows[i] ??= byUuid.GetValueOrDefault(page[i].Uuid);
            }
        }

        return rows.OfType<ServerRecord>().ToList();
    }

    private static async Task<List<RowKey>> ReadKeysAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var keys = new List<RowKey>();
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(new RowKey(reader.GetString(0), reader.GetInt64(1)));
            }

            return keys;
        }
    }

    private readonly record struct RowKey(string Uuid, long RowVersion);

    private static (string Where, SqlParameters Parameters) Filter(ServerListQuery query)
    {
        var where = new StringBuilder(query.Deleted switch
        {
            true => "deleted = 1",
            false => "deleted = 0",
            // As Nova: changes-since also returns servers deleted since then.
            null => query.ChangesSince is null ? "deleted = 0" : "1 = 1",
        });
        var parameters = new SqlParameters();

        void Add(string condition, string name, object? value)
        {
            where.Append(" AND ").Append(condition);
            parameters.Add(name, value);
        }

        void AddList(string condition, string name, IReadOnlyList<string> values)
        {
            where.Append(" AND ").Append(condition);
            parameters.AddList(name, values);
        }

        if (query.ProjectId is not null) Add("project_id = @projectId", "projectId", query.ProjectId);
        if (query.UserId is not null) Add("user_id = @userId", "userId", query.UserId);
        if (query.NameRegex is not null) Add("name REGEXP @name", "name", query.NameRegex);
        if (query.ImageRef is not null) Add("image_ref = @image", "image", query.ImageRef);
        if (query.FlavorId is not null) Add("flavor_id = @flavor", "flavor", query.FlavorId);
        if (query.ReservationId is not null) Add("reservation_id = @reservation", "reservation", query.ReservationId);
        if (query.KeyName is not null) Add("key_name = @keyName", "keyName", query.KeyName);
        if (query.AvailabilityZone is not null) Add("availability_zone = @zone", "zone", query.AvailabilityZone);
        if (query.Host is not null) Add("@host = @thisHost", "host", query.Host);
        if (query.IpRegex is not null) Add(FixedAddressMatches("@ip"), "ip", query.IpRegex);
        if (query.Ip6Regex is not null) Add(FixedAddressMatches("@ip6"), "ip6", query.Ip6Regex);
        if (query.ChangesSince is { } since) Add("updated_at >= @since", "since", Timestamps.Stored(since));
        if (query.ChangesBefore is { } before) Add("updated_at <= @before", "before", Timestamps.Stored(before));
        if (query.Locked is { } locked) Add("locked = @locked", "locked", locked);
        if (query.Host is not null)
        {
            parameters.Add("thisHost", ServerHost.Name);
        }

        if (query.Status is { } status)
        {
            var matches = ServerStatus.StatesFor(status);
            var alternatives = matches.Select((match, i) =>
            {
                parameters.Add($"vm{i}", match.VmState);
                if (match.OnlyTasks.Count > 0)
                {
                    parameters.AddList($"only{i}", match.OnlyTasks);
                    return $"(vm_state = @vm{i} AND task_state IN (SELECT value FROM json_each(@only{i})))";
                }

                if (match.ExceptTasks.Count > 0)
                {
                    parameters.AddList($"except{i}", match.ExceptTasks);
                    return $"(vm_state = @vm{i} AND (task_state IS NULL OR task_state NOT IN (SELECT value FROM json_each(@except{i}))))";
                }

                return $"vm_state = @vm{i}";
            }).ToList();
            where.Append(" AND ").Append(alternatives.Count == 0 ? "0 = 1" : "(" + string.Join(" OR ", alternatives) + ")");
        }

        if (query.Tags.Count > 0)
        {
            AddList($"(SELECT COUNT(*) FROM server_tags t WHERE t.server_uuid = servers.uuid AND t.tag IN (SELECT value FROM json_each(@tags))) = {query.Tags.Count}", "tags", query.Tags);
        }

        if (query.TagsAny.Count > 0)
        {
            AddList("EXISTS (SELECT 1 FROM server_tags t WHERE t.server_uuid = servers.uuid AND t.tag IN (SELECT value FROM json_each(@tagsAny)))", "tagsAny", query.TagsAny);
        }

        if (query.NotTags.Count > 0)
        {
            AddList($"(SELECT COUNT(*) FROM server_tags t WHERE t.server_uuid = servers.uuid AND t.tag IN (SELECT value FROM json_each(@notTags))) < {query.NotTags.Count}", "notTags", query.NotTags);
        }

        if (query.NotTagsAny.Count > 0)
        {
            AddList("NOT EXISTS (SELECT 1 FROM server_tags t WHERE t.server_uuid = servers.uuid AND t.tag IN (SELECT value FROM json_each(@notTagsAny)))", "notTagsAny", query.NotTagsAny);
        }

        return (where.ToString(), parameters);
    }

    private static string OrderBy(IReadOnlyList<(string Column, bool Descending)> sort)
    {
        var keys = sort.Count == 0 ? [("created_at", true)] : sort;
        var parts = keys.Select(key => $"{key.Column} {(key.Descending ? "DESC" : "ASC")}").ToList();
        if (!keys.Any(key => key.Column == "uuid"))
        {
            // A total order, so pages never repeat or skip a server; rowid breaks ties in creation order.
            parts.Add($"rowid {(keys[0].Descending ? "DESC" : "ASC")}");
        }

        return string.Join(", ", parts);
    }

    /// <summary>Nova's ip and ip6 filters: a regular expression over the server's fixed addresses.</summary>
    private static string FixedAddressMatches(string parameter) =>
        $"EXISTS (SELECT 1 FROM ports p JOIN port_ips i ON i.port_id = p.id WHERE p.device_id = servers.uuid AND i.ip_address REGEXP {parameter})";
}

public sealed record ServerPage(
    IReadOnlyList<ServerRecord> Servers,
    IReadOnlyDictionary<string, Dictionary<string, string>> Metadata,
    IReadOnlyDictionary<string, List<string>> Tags,
    IReadOnlyDictionary<string, IReadOnlyList<BlockDeviceMapping>> Volumes,
    IReadOnlyDictionary<string, List<ServerAddress>> Addresses,
    bool More);
