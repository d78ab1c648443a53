using System.Data;
using System.Globalization;
using System.Text;
using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Images;

/// <summary>Image rows in SQLite: the one place their SQL is written.</summary>
public sealed class ImageRepository(Database database)
{
    /// <summary>Columns a list may sort on, as Glance names them.</summary>
    public static readonly IReadOnlySet<string> SortKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "status", "container_format", "disk_format", "size", "virtual_size", "id",
        "created_at", "updated_at", "min_disk", "min_ram", "visibility", "owner",
    };

    private const string Columns = """
        id AS Id, name AS Name, status AS Status, disk_format AS DiskFormat, container_format AS ContainerFormat,
        size AS Size, virtual_size AS VirtualSize, checksum AS Checksum, os_hash_algo AS OsHashAlgo,
        os_hash_value AS OsHashValue, min_disk AS MinDisk, min_ram AS MinRam, visibility AS Visibility,
        owner AS Owner, protected AS Protected, os_hidden AS OsHidden, created_at AS CreatedAt,
        updated_at AS UpdatedAt, deleted_at AS DeletedAt
        """;

    private sealed record Row(
        string Id, string? Name, string Status, string? DiskFormat, string? ContainerFormat, long? Size, long? VirtualSize,
        string? Checksum, string? OsHashAlgo, string? OsHashValue, long MinDisk, long MinRam, string Visibility,
        string? Owner, long Protected, long OsHidden, string CreatedAt, string UpdatedAt, string? DeletedAt);

    public Task InsertAsync(ImageRecord image, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO images (id, name, status, disk_format, container_format, min_disk, min_ram, visibility,
                                    owner, protected, os_hidden, created_at, updated_at)
                VALUES (@Id, @Name, @Status, @DiskFormat, @ContainerFormat, @MinDisk, @MinRam, @Visibility,
                        @Owner, @Protected, @OsHidden, @CreatedAt, @UpdatedAt)
                """, new
            {
                image.Id, image.Name, image.Status, image.DiskFormat, image.ContainerFormat, image.MinDisk, image.MinRam,
                image.Visibility, image.Owner, Protected = image.Protected ? 1 : 0, OsHidden = image.OsHidden ? 1 : 0,
                CreatedAt = Stamp(image.CreatedAt), UpdatedAt = Stamp(image.UpdatedAt),
            }, transaction, cancellationToken: cancellationToken));
            await WriteExtrasAsync(connection, transaction, image.Id, image.Properties, image.Tags, cancellationToken);
            return 0;
        }, cancellationToken);

    /// <summary>The image, deleted ones included (callers decide whether those are visible).</summary>
    public async Task<ImageRecord?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM images WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row is null ? null : (await HydrateAsync(connection, [row], cancellationToken))[0];
    }

    /// <summary>Every image matching the query's filters, in the query's order; paging is the caller's.</summary>
    public async Task<IReadOnlyList<ImageRecord>> ListAsync(ImageQuery query, CancellationToken cancellationToken = default)
    {
        var sql = new StringBuilder($"SELECT {Columns} FROM images i WHERE 1 = 1");
        var parameters = new DynamicParameters();
        if (!query.IncludeDeleted)
        {
            sql.Append(" AND status <> 'deleted'");
        }

        AddFilter(sql, parameters, "name", query.Name);
        AddFilter(sql, parameters, "status", query.Status);
        AddFilter(sql, parameters, "visibility", query.Visibility);
        AddFilter(sql, parameters, "owner", query.Owner);
        if (query.Ids is { Count: > 0 })
        {
            sql.Append(" AND id IN @ids");
            parameters.Add("ids", query.Ids);
        }

        if (query.MinDisk is { } minDisk)
        {
            sql.Append(" AND min_disk >= @minDisk");
            parameters.Add("minDisk", minDisk);
        }

        if (query.MinRam is { } minRam)
        {
            sql.Append(" AND min_ram >= @minRam");
            parameters.Add("minRam", minRam);
        }

        if (query.ChangesSince is { } since)
        {
            sql.Append(" AND updated_at >= @since");
            parameters.Add("since", Stamp(since));
        }

        for (var i = 0; i < query.Tags.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = i.id AND t.tag = @tag{i})");
            parameters.Add($"tag{i}", query.Tags[i]);
        }

        if (query.InstanceUuid is not null)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = i.id AND p.name = 'instance_uuid' AND p.value = @instanceUuid)");
            parameters.Add("instanceUuid", query.InstanceUuid);
        }

        if (query.ImageType is not null)
        {
            // Nova's "type" filter: snapshots carry image_type=snapshot, everything else counts as a base image.
            sql.Append(query.ImageType == "snapshot"
                ? " AND EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = i.id AND p.name = 'image_type' AND p.value = 'snapshot')"
                : " AND NOT EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = i.id AND p.name = 'image_type' AND p.value = 'snapshot')");
        }

        sql.Append(" ORDER BY ");
        foreach (var (key, descending) in query.Sort)
        {
            if (!SortKeys.Contains(key))
            {
                throw new ArgumentException($"cannot sort on {key}", nameof(query));
            }

            sql.Append(CultureInfo.InvariantCulture, $"{key} {(descending ? "DESC" : "ASC")}, ");
        }

        var lastDescending = query.Sort.Count > 0 && query.Sort[^1].Descending;
        sql.Append(lastDescending ? "id DESC" : "id ASC");

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken))).ToList();
        return await HydrateAsync(connection, rows, cancellationToken);
    }

    /// <summary>Moves an image from one status to another; false when it was not in the expected one.</summary>
    public Task<bool> TransitionAsync(string id, string from, string to, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE images SET status = @to, updated_at = @now WHERE id = @id AND status = @from",
            new { id, from, to, now = Stamp(DateTimeOffset.UtcNow) }, transaction, cancellationToken: cancellationToken)) == 1,
            cancellationToken);

    /// <summary>Records a finished upload; the image becomes active in the same statement.</summary>
    public Task<bool> ActivateAsync(string id, long size, long virtualSize, string checksum, string hashAlgo, string hashValue, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE images SET status = 'active', size = @size, virtual_size = @virtualSize, checksum = @checksum,
                              os_hash_algo = @hashAlgo, os_hash_value = @hashValue, updated_at = @now
            WHERE id = @id AND status = 'saving'
            """, new { id, size, virtualSize, checksum, hashAlgo, hashValue, now = Stamp(DateTimeOffset.UtcNow) },
            transaction, cancellationToken: cancellationToken)) == 1, cancellationToken);

    /// <summary>Replaces the mutable fields, properties and tags of an image in one transaction.</summary>
    public Task UpdateAsync(ImageRecord image, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE images SET name = @Name, disk_format = @DiskFormat, container_format = @ContainerFormat,
                                  min_disk = @MinDisk, min_ram = @MinRam, visibility = @Visibility,
                                  protected = @Protected, os_hidden = @OsHidden, updated_at = @UpdatedAt
                WHERE id = @Id
                """, new
            {
                image.Id, image.Name, image.DiskFormat, image.ContainerFormat, image.MinDisk, image.MinRam, image.Visibility,
                Protected = image.Protected ? 1 : 0, OsHidden = image.OsHidden ? 1 : 0, UpdatedAt = Stamp(image.UpdatedAt),
            }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM image_properties WHERE image_id = @Id; DELETE FROM image_tags WHERE image_id = @Id;",
                new { image.Id }, transaction, cancellationToken: cancellationToken));
            await WriteExtrasAsync(connection, transaction, image.Id, image.Properties, image.Tags, cancellationToken);
            return 0;
        }, cancellationToken);

    public Task MarkDeletedAsync(string id, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE images SET status = 'deleted', deleted_at = @now, updated_at = @now WHERE id = @id",
            new { id, now = Stamp(DateTimeOffset.UtcNow) }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    /// <summary>Bytes a project's images hold or are about to hold, for its image quota.</summary>
    public async Task<long> BytesUsedAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(SUM(size), 0) FROM images WHERE owner = @owner AND status IN ('active', 'saving', 'deactivated')",
            new { owner }, cancellationToken: cancellationToken));
    }

    /// <summary>Uploads cut off by a crash: never acknowledged, so they go back to queued for a retry.</summary>
    public Task<int> RequeueInterruptedUploadsAsync(CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE images SET status = 'queued', updated_at = @now WHERE status = 'saving'",
            new { now = Stamp(DateTimeOffset.UtcNow) }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    internal static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void AddFilter(StringBuilder sql, DynamicParameters parameters, string column, string? value)
    {
        if (value is not null)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {column} = @{column}");
            parameters.Add(column, value);
        }
    }

    private static async Task WriteExtrasAsync(
        IDbConnection connection, IDbTransaction transaction, string id,
        IReadOnlyDictionary<string, string> properties, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        foreach (var (name, value) in properties)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO image_properties (image_id, name, value) VALUES (@id, @name, @value)",
                new { id, name, value }, transaction, cancellationToken: cancellationToken));
        }

        foreach (var tag in tags.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO image_tags (image_id, tag) VALUES (@id, @tag)", new { id, tag }, transaction, cancellationToken: cancellationToken));
        }
    }

    private static async Task<IReadOnlyList<ImageRecord>> HydrateAsync(IDbConnection connection, IReadOnlyList<Row> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(row => row.Id).ToList();
        var properties = (await connection.QueryAsync<(string ImageId, string Name, string Value)>(new CommandDefinition(
                "SELECT image_id, name, value FROM image_properties WHERE image_id IN @ids ORDER BY name", new { ids }, cancellationToken: cancellationToken)))
            .ToLookup(p => p.ImageId);
        var tags = (await connection.QueryAsync<(string ImageId, string Tag)>(new CommandDefinition(
                "SELECT image_id, tag FROM image_tags WHERE image_id IN @ids ORDER BY tag", new { ids }, cancellationToken: cancellationToken)))
            .ToLookup(t => t.ImageId);
        return rows.Select(row => new ImageRecord
        {
            Id = row.Id,
            Name = row.Name,
            Status = row.Status,
            DiskFormat = row.DiskFormat,
            ContainerFormat = row.ContainerFormat,
            Size = row.Size,
            VirtualSize = row.VirtualSize,
            Checksum = row.Checksum,
            OsHashAlgo = row.OsHashAlgo,
            OsHashValue = row.OsHashValue,
            MinDisk = (int)row.MinDisk,
            MinRam = (int)row.MinRam,
            Visibility = row.Visibility,
            Owner = row.Owner,
            Protected = row.Protected != 0,
            OsHidden = row.OsHidden != 0,
            CreatedAt = DateTimeOffset.Parse(row.CreatedAt, CultureInfo.InvariantCulture),
            UpdatedAt = DateTimeOffset.Parse(row.UpdatedAt, CultureInfo.InvariantCulture),
            DeletedAt = row.DeletedAt is null ? null : DateTimeOffset.Parse(row.DeletedAt, CultureInfo.InvariantCulture),
            Properties = properties[row.Id].ToDictionary(p => p.Name, p => p.Value),
            Tags = tags[row.Id].Select(t => t.Tag).ToList(),
        }).ToList();
    }
}
