using System.Globalization;
using Appliance.Core.Quotas;
using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Keypairs;

/// <summary>A user's key pairs: import or generate, list, show, delete, within the key_pairs quota.</summary>
public sealed class KeyPairService(Database database, QuotaService quotas)
{
    private const string Columns = "id AS Id, user_id AS UserId, name AS Name, fingerprint AS Fingerprint, public_key AS PublicKey, type AS Type, created_at AS CreatedAt";

    internal sealed record Row(long Id, string UserId, string Name, string Fingerprint, string PublicKey, string Type, string CreatedAt)
    {
        public KeyPair ToKeyPair() => new(Id, UserId, Name, Fingerprint, PublicKey, Type, DateTimeOffset.Parse(CreatedAt, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Imports the given public key (an OpenSSH key, or a PEM certificate for x509), or generates one when none is
    /// given, returning its private key once; the user's key pairs count against the key_pairs limit of the
    /// caller's project, as in Nova.
    /// </summary>
    public async Task<(KeyPair KeyPair, string? PrivateKey)> CreateAsync(
        string projectId, string userId, string name, string? publicKey, string type = KeyPairTypes.Ssh, CancellationToken cancellationToken = default)
    {
        string? privateKey = null;
        if (publicKey is null)
        {
            (publicKey, privateKey) = type == KeyPairTypes.X509
                ? X509KeyPair.Generate(userId)
                : SshPublicKey.GenerateRsa("Generated-by-appliance");
        }

        var fingerprint = type == KeyPairTypes.X509
            ? X509KeyPair.Fingerprint(publicKey)
                ?? throw new InvalidRequestException("Keypair data is invalid: failed to generate X509 fingerprint. Error message: no PEM certificate could be read")
            : SshPublicKey.Fingerprint(publicKey)
                ?? throw new InvalidRequestException("Keypair data is invalid: failed to generate fingerprint");
        var keyPair = await database.WriteAsync(async (connection, transaction) =>
        {
            // Counting and inserting in one IMMEDIATE transaction: parallel creates cannot pass the quota together.
            var used = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM key_pairs WHERE user_id = @userId", new { userId }, transaction);
            var limits = await quotas.GetLimitsAsync(connection, transaction, projectId, cancellationToken);
            if (!QuotaLimits.Allows(limits.KeyPairs, used, 1))
            {
                throw new OverQuotaException("Quota exceeded, too many key pairs.");
            }

            var exists = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM key_pairs WHERE user_id = @userId AND name = @name", new { userId, name }, transaction);
            if (exists > 0)
            {
                throw new AlreadyExistsException($"Key pair '{name}' already exists.");
            }

            return await connection.QuerySingleAsync<Row>($"""
                INSERT INTO key_pairs (user_id, name, fingerprint, public_key, type, created_at)
                VALUES (@userId, @name, @fingerprint, @publicKey, @type, @createdAt) RETURNING {Columns}
                """, new { userId, name, fingerprint, publicKey, type, createdAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) },
                transaction);
        }, cancellationToken);
        return (keyPair.ToKeyPair(), privateKey);
    }

    /// <summary>The user's key pairs by name; a page of at most <paramref name="limit"/> after <paramref name="marker"/> when given.</summary>
    public async Task<IReadOnlyList<KeyPair>> ListAsync(string userId, int? limit = null, string? marker = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (marker is not null && await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM key_pairs WHERE user_id = @userId AND name = @marker", new { userId, marker }) == 0)
        {
            // Nova calls an unknown marker a bad request, not a missing thing: the list itself exists.
            throw new InvalidRequestException($"Marker {marker} could not be found.");
        }

        var rows = await connection.QueryAsync<Row>($"""
            SELECT {Columns} FROM key_pairs WHERE user_id = @userId AND (@marker IS NULL OR name > @marker)
            ORDER BY name LIMIT @limit
            """, new { userId, marker, limit = limit ?? -1 });
        return rows.Select(row => row.ToKeyPair()).ToList();
    }

    public async Task<KeyPair> GetAsync(string userId, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(
            $"SELECT {Columns} FROM key_pairs WHERE user_id = @userId AND name = @name", new { userId, name });
        return row?.ToKeyPair() ?? throw new NotFoundException($"Keypair {name} not found for user {userId}");
    }

    public async Task DeleteAsync(string userId, string name, CancellationToken cancellationToken = default)
    {
        var deleted = await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "DELETE FROM key_pairs WHERE user_id = @userId AND name = @name", new { userId, name }, transaction), cancellationToken);
        if (deleted == 0)
        {
            throw new NotFoundException($"Keypair {name} not found for user {userId}");
        }
    }
}
