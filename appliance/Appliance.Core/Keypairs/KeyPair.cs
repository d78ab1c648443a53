namespace Appliance.Core.Keypairs;

public sealed record KeyPair(long Id, string UserId, string Name, string Fingerprint, string PublicKey, string Type, DateTimeOffset CreatedAt);

/// <summary>Why a key pair operation was refused; the message is safe to show the caller.</summary>
public sealed class KeyPairException(int status, string message) : Exception(message)
{
    /// <summary>The HTTP status Nova answers with: 400, 403, 404 or 409.</summary>
    public int Status { get; } = status;
}
