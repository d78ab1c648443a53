namespace Appliance.Core.Keypairs;

public sealed record KeyPair(long Id, string UserId, string Name, string Fingerprint, string PublicKey, string Type, DateTimeOffset CreatedAt);
