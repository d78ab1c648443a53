namespace Appliance.Core.Keypairs;

/// <summary>The two kinds of key pair Nova knows: OpenSSH keys and X.509 certificates (for WinRM).</summary>
public static class KeyPairTypes
{
    public const string Ssh = "ssh";
    public const string X509 = "x509";

    public static readonly IReadOnlyList<string> All = [Ssh, X509];
}
