using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Signing;

/// <summary>Encryption to an authority's certificate, the same for referral packages and disclosure packages.</summary>
public static class CmsEnvelope
{
    /// <summary>id-aes256-CBC.</summary>
    public static readonly Oid Aes256Cbc = new("2.16.840.1.101.3.4.1.42");

    /// <summary>CMS EnvelopedData: AES-256-CBC content encryption, RSA-OAEP (SHA-256) key transport to <paramref name="recipient"/> (<c>openssl cms -decrypt</c> opens it).</summary>
    public static byte[] Encrypt(byte[] content, X509Certificate2 recipient)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(recipient);
        var cms = new EnvelopedCms(new ContentInfo(content), new AlgorithmIdentifier(Aes256Cbc));
        cms.Encrypt(new CmsRecipient(SubjectIdentifierType.IssuerAndSerialNumber, recipient, RSAEncryptionPadding.OaepSHA256));
        return cms.Encode();
    }
}
