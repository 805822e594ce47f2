using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Signing;

/// <summary>
/// The platform's signing key and certificate (ECDSA P-256, self-signed), which sign referral evidence packages and
/// disclosure packages as CMS SignedData so an authority can check them with <c>openssl cms -verify</c>. Created on
/// first use in <c>DATA/keys/</c>: the private key as PKCS#8 PEM readable by the owner only, the certificate as PEM
/// for anyone who needs to verify.
/// </summary>
public sealed class PlatformSigning : IDisposable
{
    public const string KeyFileName = "platform-signing.key.pem";
    public const string CertificateFileName = "platform-signing.cert.pem";

    private static readonly Lock CreateLock = new();

    private PlatformSigning(X509Certificate2 certificate, string certificatePath)
    {
        Certificate = certificate;
        CertificatePath = certificatePath;
    }

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Where the certificate's PEM lies (give it to authorities and overseers).</summary>
    public string CertificatePath { get; }

    /// <summary>Loads the data folder's signing key, creating it (valid 10 years from <paramref name="time"/>'s now) when absent.</summary>
    public static PlatformSigning LoadOrCreate(DirectoryInfo dataDirectory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(time);
        var keys = Path.Combine(dataDirectory.FullName, "keys");
        var keyPath = Path.Combine(keys, KeyFileName);
        var certPath = Path.Combine(keys, CertificateFileName);
        lock (CreateLock)
        {
            if (!File.Exists(keyPath) || !File.Exists(certPath))
            {
                Create(keys, keyPath, certPath, time.GetUtcNow());
            }
        }
        var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        return new PlatformSigning(certificate, certPath);
    }

    /// <summary>
    /// Signs <paramref name="content"/> as CMS SignedData (SHA-256, signing time, the certificate included) and returns
    /// the DER. With <paramref name="detached"/> the content is not embedded (verify against the file beside it).
    /// </summary>
    public byte[] SignCms(byte[] content, bool detached, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(content);
        var cms = new SignedCms(new ContentInfo(content), detached);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, Certificate)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new Pkcs9SigningTime(signingTime.UtcDateTime));
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }

    public void Dispose() => Certificate.Dispose();

    private static void Create(string keys, string keyPath, string certPath, DateTimeOffset now)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(keys);
        }
        else
        {
            Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Vigil platform signing", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        var keyTemp = keyPath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var w = new StreamWriter(keyTemp, System.Text.Encoding.ASCII, options))
        {
            w.Write(key.ExportPkcs8PrivateKeyPem());
        }
        File.WriteAllText(certPath + ".tmp", cert.ExportCertificatePem());
        // Certificate first, key last: a crash in between leaves no key, so the next start creates both again.
        File.Move(certPath + ".tmp", certPath, overwrite: true);
        File.Move(keyTemp, keyPath, overwrite: true);
    }
}
