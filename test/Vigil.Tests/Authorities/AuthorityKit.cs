using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NSec.Cryptography;

namespace Vigil.Tests.Authorities;

/// <summary>Keys and certificates made on the fly for registry tests.</summary>
internal static class AuthorityKit
{
    public static string EcPublicKeyPem(ECCurve? curve = null)
    {
        using var ec = ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256);
        return ec.ExportSubjectPublicKeyInfoPem();
    }

    public static string RsaPublicKeyPem(int bits = 2048)
    {
        using var rsa = RSA.Create(bits);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    public static string Ed25519PublicKeyPem()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        return System.Text.Encoding.ASCII.GetString(key.PublicKey.Export(KeyBlobFormat.PkixPublicKeyText));
    }

    /// <summary>A self-signed RSA certificate valid from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static string RsaCertificatePem(DateTimeOffset from, DateTimeOffset to, int bits = 2048, string name = "CN=Example Authority")
    {
        using var rsa = RSA.Create(bits);
        var req = new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = req.CreateSelfSigned(from, to);
        return cert.ExportCertificatePem();
    }

    public static string EcCertificatePem(DateTimeOffset from, DateTimeOffset to)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=Example EC", ec, HashAlgorithmName.SHA256);
        using var cert = req.CreateSelfSigned(from, to);
        return cert.ExportCertificatePem();
    }

    public static string Sha256OfCertificate(string pem)
    {
        using var cert = X509Certificate2.CreateFromPem(pem);
        return Convert.ToHexStringLower(SHA256.HashData(cert.RawData));
    }
}
