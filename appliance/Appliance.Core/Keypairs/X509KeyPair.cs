using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Core.Keypairs;

/// <summary>X.509 key pairs: reading a PEM certificate a user imports, and making a client certificate for WinRM as Nova does.</summary>
public static class X509KeyPair
{
    private const string CertificateLabel = "CERTIFICATE";

    /// <summary>The colon-separated SHA-1 of the certificate's DER, or null when the text holds no PEM certificate.</summary>
    public static string? Fingerprint(string pem)
    {
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not CertificateLabel)
        {
            return null;
        }

        try
        {
            var der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
            // Loading proves the DER is a certificate, not just any base64 under the right label.
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            return ColonHex(SHA1.HashData(certificate.RawData));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// A new self-signed client certificate for <paramref name="userId"/> (CN and UPN, as Nova makes them): the PEM
    /// certificate is the public key, the base64 PKCS#12 with an empty password is the private key returned once.
    /// </summary>
    public static (string Certificate, string PrivateKey) Generate(string userId)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={userId}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddUserPrincipalName($"{userId}@localhost");
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now, now.AddDays(3650));
        return (certificate.ExportCertificatePem() + "\n", Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12, "")));
    }

    private static string ColonHex(byte[] hash) =>
        string.Join(':', hash.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
}
