using System.Data;
using System.Globalization;
using System.Text;
using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Images;

/// <summary>Image rows in SQLite: the one place their SQL is written.</summary>
/// <remarks>Its members are internal to the core: the type is public only for the public services' constructors (see <see cref="Database"/>).</remarks>
public sealed class ImageRepository(Database database)
{
    private const string Columns = """
        id AS Id, name AS Name, status AS Status, disk_format AS DiskFormat, container_format AS ContainerFormat,
        size AS Size, virtual_size AS VirtualSize, checksum AS Checksum, os_hash_algo AS OsHashAlgo,
        os_hash_value AS OsHashValue, min_disk AS MinDisk, min_ram AS MinRam, visibility AS Visibility,
        owner AS Owner, protected AS Protected, os_hidden AS OsHidden, created_at AS CreatedAt,
        updated_at AS UpdatedAt, deleted_at AS DeletedAt
        """;

    internal sealed record Row(
        string Id, string? Name, string Status, string? DiskFormat, string? ContainerFormat, long? Size, long? VirtualSize,
        string? Checksum, string? OsHashAlgo, string? OsHashValue, long MinDisk, long MinRam, string Visibility,
        string? Owner, long Protected, long OsHidden, string CreatedAt, string UpdatedAt, string? DeletedAt);

    internal Task InsertAsync(ImageRecord image, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("""
                INSERT INTO images (id, name, status, disk_format, container_format, min_disk, min_ram, visibility,
                                    owner, protected, os_hidden, created_at, updated_at)
                VALUES (@Id, @Name, @Status, @DiskFormat, @ContainerFormat, @MinDisk, @MinRam, @Visibility,
                        @Owner, @Protected, @OsHidden, @CreatedAt, @UpdatedAt)
                """, new
            {
                image.Id,
                image.Name,
                image.Status,
                image.DiskFormat,
                image.ContainerFormat,
                image.MinDisk,
                image.MinRam,
                image.Visibility,
                image.Owner,
                Protected = image.Protected ? 1 : 0,
                OsHidden = image.OsHidden ? 1 : 0,
                CreatedAt = Stamp(image.CreatedAt),
                UpdatedAt = Stamp(image.UpdatedAt),
            }, transaction);
            await WriteExtrasAsync(connection, transaction, image.Id, image.Properties, image.Tags, cancellationToken);
            return 0;
        }, cancellationToken);

    /// <summary>The image, deleted ones included (callers decide whether those are visible).</summary>
    internal async Task<ImageRecord?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(
            $"SELECT {Columns} FROM images WHERE id = @id", new { id });
        return row is null ? null : (await HydrateAsync(connection, [row], cancellationToken))[0];
    }

    /// <summary>Every image matching the query's filters, in the query's order; paging is the caller's.</summary>
    internal async Task<IReadOnlyList<ImageRecord>> ListAsync(ImageQuery query, CancellationToken cancellationToken = default)
    {
        var sql = new StringBuilder($"SELECT {Columns} FROM images i WHERE 1 = 1");
        if (!query.IncludeDeleted)
        {
            sql.Append(" AND status <> 'deleted'");
        }

        AddFilter(sql, "name", query.Name);
        AddFilter(sql, "status", query.Status);
        AddFilter(sql, "visibility", query.Visibility);
        AddFilter(sql, "owner", query.Owner);
        if (query.Ids is { Count: > 0 })
        {
            sql.Append(" AND id IN (SELECT value FROM json_each(@ids))");
        }

        if (query.MinDisk is { } minDisk)
        {
            sql.Append(" AND min_disk >= @minDisk");
        }

        if (query.MinRam is { } minRam)
        {
            sql.Append(" AND min_ram >= @minRam");
        }

        if (query.ChangesSince is { } since)
        {
            sql.Append(" AND updated_at >= @since");
        }

        for (var i = 0; i < query.Tags.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = i.id AND t.tag = json_extract(@tags, '$[{i}]'))");
        }

        if (query.InstanceUuid is not null)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = i.id AND p.name = 'instance_uuid' AND p.value = @instanceUuid)");
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
            if (!ImageQuery.SortKeys.Contains(key))
            {
                throw new ArgumentException($"cannot sort on {key}", nameof(query));
            }

            sql.Append(CultureInfo.InvariantCulture, $"{key} {(descending ? "DESC" : "ASC")}, ");
        }

        var lastDescending = query.Sort.Count > 0 && query.Sort[^1].Descending;
        sql.Append(lastDescending ? "id DESC" : "id ASC");

        await using var connection = await database.OpenAsync(cancellationToken);
        // Every filter's value is bound; the SQL names only those the query uses.
        var parameters = new
        {
            name = query.Name,
            status = query.Status,
            visibility = query.Visibility,
            owner = query.Owner,
            ids = SqlParameters.JsonList(query.Ids ?? []),
            minDisk = query.MinDisk,
            minRam = query.MinRam,
            since = query.ChangesSince is { } changesSince ? Stamp(changesSince) : null,
            tags = SqlParameters.JsonList(query.Tags),
            instanceUuid = query.InstanceUuid,
        };
        var rows = (await connection.QueryAsync<Row>(sql.ToString(), parameters)).ToList();
        return await HydrateAsync(connection, rows, cancellationToken);
    }

    /// <summary>Moves an image from one status to another; false when it was not in the expected one.</summary>
    internal Task<bool> TransitionAsync(string id, string from, string to, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(
            "UPDATE images SET status = @to, updated_at = @now WHERE id = @id AND status = @from",
            new { id, from, to, now = Stamp(DateTimeOffset.UtcNow) }, transaction) == 1,
            cancellationToken);

    /// <summary>Records a finished upload; the image becomes active in the same statement.</summary>
    internal Task<bool> ActivateAsync(string id, long size, long virtualSize, string checksum, string hashAlgo, string hashValue, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync("""
            UPDATE images SET status = 'active', size = @size, virtual_size = @virtualSize, checksum = @checksum,
                              os_hash_algo = @hashAlgo, os_hash_value = @hashValue, updated_at = @now
            WHERE id = @id AND status = 'saving'
            """, new { id, size, virtualSize, checksum, hashAlgo, hashValue, now = Stamp(DateTimeOffset.UtcNow) },
            transaction) == 1, cancellationToken);

    /// <summary>Replaces the mutable fields, properties and tags of an image in one transaction.</summary>
    internal Task UpdateAsync(ImageRecord image, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("""
                UPDATE images SET name = @Name, disk_format = @DiskFormat, container_format = @ContainerFormat,
                                  min_disk = @MinDisk, min_ram = @MinRam, visibility = @Visibility,
                                  protected = @Protected, os_hidden = @OsHidden, updated_at = @UpdatedAt
                WHERE id = @Id
                """, new
            {
                image.Id,
                image.Name,
                image.DiskFormat,
                image.ContainerFormat,
                image.MinDisk,
                image.MinRam,
                image.Visibility,
                Protected = image.Protected ? 1 : 0,
                OsHidden = image.OsHidden ? 1 : 0,
                UpdatedAt = Stamp(image.UpdatedAt),
            }, transaction);
            await connection.ExecuteAsync("DELETE FROM image_properties WHERE image_id = @Id; DELETE FROM image_tags WHERE image_id = @Id;",
                new { image.Id }, transaction);
            await WriteExtrasAsync(connection, transaction, image.Id, image.Properties, image.Tags, cancellationToken);
            return 0;
        }, cancellationToken);

    internal Task MarkDeletedAsync(string id, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(
            "UPDATE images SET status = 'deleted', deleted_at = @now, updated_at = @now WHERE id = @id",
            new { id, now = Stamp(DateTimeOffset.UtcNow) }, transaction), cancellationToken);

    /// <summary>Bytes a project's images hold or are about to hold, for its image quota.</summary>
    internal async Task<long> BytesUsedAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COALESCE(SUM(size), 0) FROM images WHERE owner = @owner AND status IN ('active', 'saving', 'deactivated')",
            new { owner });
    }

    /// <summary>Uploads cut off by a crash: never acknowledged, so they go back to queued for a retry.</summary>
    internal Task<int> RequeueInterruptedUploadsAsync(CancellationToken cancellationToken = default) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "UPDATE images SET status = 'queued', updated_at = @now WHERE status = 'saving'",
            new { now = Stamp(DateTimeOffset.UtcNow) }, transaction), cancellationToken);

    internal static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void AddFilter(StringBuilder sql, string column, string? value)
    {
        if (value is not null)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {column} = @{column}");
        }
    }

    private static async Task WriteExtrasAsync(
        IDbConnection connection, IDbTransaction transaction, string id,
        IReadOnlyDictionary<string, string> properties, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        foreach (var (name, value) in properties)
        {
            await connection.ExecuteAsync(
                "INSERT INTO image_properties (image_id, name, value) VALUES (@id, @name, @value)",
                new { id, name, value }, transaction);
        }

        foreach (var tag in tags.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(
                "INSERT INTO image_tags (image_id, tag) VALUES (@id, @tag)", new { id, tag }, transaction);
        }
    }

    private static async Task<IReadOnlyList<ImageRecord>> HydrateAsync(IDbConnection connection, IReadOnlyList<Row> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = SqlParameters.JsonList(rows.Select(row => row.Id));
        var properties = (await connection.QueryAsync<PropertyRow>(
                "SELECT image_id, name, value FROM image_properties WHERE image_id IN (SELECT value FROM json_each(@ids)) ORDER BY name", new { ids }))
            .ToLookup(p => p.ImageId);
        var tags = (await connection.QueryAsync<TagRow>(
                "SELECT image_id, tag FROM image_tags WHERE image_id IN (SELECT value FROM json_each(@ids)) ORDER BY tag", new { ids }))
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

    internal sealed record PropertyRow(string ImageId, string Name, string Value);

    internal sealed record TagRow(string ImageId, string Tag);
}
