using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Disclosure;
using Vigil.Legal;
using Vigil.Orders;
using Vigil.Signing;

namespace Vigil.Demo;

/// <summary>What <c>vigil demo</c>'s disclosure step left in the data folder, and the commands that open it.</summary>
/// <param name="PackageId">The package built.</param>
/// <param name="RecordCount">Records it discloses.</param>
/// <param name="Sha256">SHA-256 of the downloaded <c>.p7m</c>.</param>
/// <param name="PackagePath">The downloaded package.</param>
/// <param name="AuthorityKeyPath">The demo authority's private key (PEM).</param>
/// <param name="AuthorityCertificatePath">The demo authority's certificate (PEM).</param>
/// <param name="PlatformCertificatePath">The platform's signing certificate (PEM).</param>
/// <param name="DecryptCommand">An <c>openssl cms -decrypt</c> line that opens the package.</param>
/// <param name="VerifyCommand">An <c>openssl cms -verify</c> line for the manifest once unzipped.</param>
public sealed record DemoDisclosureResult(
    long PackageId, int RecordCount, string Sha256, string PackagePath, string AuthorityKeyPath, string AuthorityCertificatePath,
    string PlatformCertificatePath, string DecryptCommand, string VerifyCommand);

/// <summary><c>vigil demo</c>'s last step: two legal officers approve the submitted order, the package is built, downloaded once as the authority and verified with its key.</summary>
public static class DemoDisclosure
{
    /// <summary>
    /// Completes order <paramref name="orderId"/> on the running server's services: the first legal officer approves its
    /// pending disclosure tasks, the second (a different person) approves the order, the package is built and downloaded
    /// once for the order's authority, decrypted with the authority's key, every manifest hash and the manifest signature
    /// checked; the package and keys are left in <c>DATA/disclosure/</c>. Throws when any check fails.
    /// </summary>
    public static async Task<DemoDisclosureResult> CompleteOrderAsync(
        IServiceProvider services, long orderId, string firstLegalOfficer, string secondLegalOfficer,
        string authorityKeyPath, string authorityCertificatePath, DirectoryInfo dataDirectory, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(dataDirectory);
        if (string.Equals(firstLegalOfficer, secondLegalOfficer, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("four eyes: the two approving legal officers must be different people");
        }
        await using var scope = services.CreateAsyncScope();
        var disclosure = scope.ServiceProvider.GetRequiredService<DisclosureService>();
        var signing = scope.ServiceProvider.GetRequiredService<PlatformSigning>();
        const string role = "legal_officer";

        var review = scope.ServiceProvider.GetRequiredService<OrderReview>();
        var order = await disclosure.LoadOrderAsync(orderId, ct) ?? throw new InvalidOperationException($"order {orderId} does not exist");
        if (order.State != OrderState.UnderReview)
        {
            throw new InvalidOperationException($"order {orderId} is {order.State}, not under review");
        }
        // The legal desk's own four-eyes service: the first approval leaves the order under review, the second
        // (a different officer) approves it; the service refuses a single officer approving twice.
        var first = await review.ApproveAsync(orderId, new LegalActor(firstLegalOfficer, role), ct);
        var second = await review.ApproveAsync(orderId, new LegalActor(secondLegalOfficer, role), ct);
        if (first.State != OrderState.UnderReview || second.State is not (OrderState.Approved or OrderState.PartiallyApproved))
        {
            throw new InvalidOperationException($"four eyes did not hold: after the first approval {first.State}, after the second {second.State}");
        }

        var (package, refusal) = await disclosure.BuildAsync(orderId, secondLegalOfficer, role, ct);
        if (package is null)
        {
            throw new InvalidOperationException("the package was not built: " + refusal?.Message);
        }
        var (outcome, _, content) = await disclosure.DownloadAsync(package.Id, order.AuthorityId, "demo authority portal user", ct);
        if (outcome != DownloadOutcome.Ok || content is null)
        {
            throw new InvalidOperationException("the download failed: " + outcome);
        }
        if ((await disclosure.DownloadAsync(package.Id, order.AuthorityId, "demo authority portal user", ct)).Outcome != DownloadOutcome.AlreadyDownloaded)
        {
            throw new InvalidOperationException("a second download was not refused");
        }
        VerifyWithAuthorityKey(content, authorityCertificatePath, authorityKeyPath, signing.Certificate);

        var folder = Directory.CreateDirectory(Path.Combine(dataDirectory.FullName, "disclosure"));
        var packagePath = Path.Combine(folder.FullName, package.FileName);
        await File.WriteAllBytesAsync(packagePath, content, ct);
        var keyPath = CopyInto(folder, authorityKeyPath);
        var certPath = CopyInto(folder, authorityCertificatePath);
        var decrypt = $"openssl cms -decrypt -inform DER -in {packagePath} -recip {certPath} -inkey {keyPath} -out package.zip";
        var verify = $"unzip package.zip -d package && openssl cms -verify -binary -inform DER -in package/{DisclosurePackager.SignatureName} -content package/{DisclosurePackager.ManifestName} -CAfile {signing.CertificatePath} -out /dev/null";
        return new DemoDisclosureResult(package.Id, package.RecordCount, package.Sha256, packagePath, keyPath, certPath, signing.CertificatePath, decrypt, verify);
    }

    /// <summary>Decrypts as the authority and checks the manifest signature and every file's SHA-256.</summary>
    public static void VerifyWithAuthorityKey(byte[] p7m, string certificatePath, string keyPath, X509Certificate2 platformCertificate)
    {
        ArgumentNullException.ThrowIfNull(platformCertificate);
        using var recipient = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var env = new EnvelopedCms();
        env.Decode(p7m);
        env.Decrypt(new X509Certificate2Collection(recipient));
        using var zip = new ZipArchive(new MemoryStream(env.ContentInfo.Content), ZipArchiveMode.Read);
        var files = zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            return ms.ToArray();
        }, StringComparer.Ordinal);
        var manifest = files[DisclosurePackager.ManifestName];
        var signed = new SignedCms(new ContentInfo(manifest), detached: true);
        signed.Decode(files[DisclosurePackager.SignatureName]);
        signed.CheckSignature(new X509Certificate2Collection(platformCertificate), verifySignatureOnly: true);
        if (!signed.SignerInfos[0].Certificate!.RawDataMemory.Span.SequenceEqual(platformCertificate.RawDataMemory.Span))
        {
            throw new CryptographicException("the manifest is not signed by the platform certificate");
        }
        using var doc = JsonDocument.Parse(manifest);
        foreach (var f in doc.RootElement.GetProperty("files").EnumerateArray())
        {
            var path = f.GetProperty("path").GetString()!;
            if (!files.TryGetValue(path, out var bytes) || Convert.ToHexStringLower(SHA256.HashData(bytes)) != f.GetProperty("sha256").GetString())
            {
                throw new CryptographicException($"manifest hash mismatch for {path}");
            }
        }
    }

    private static string CopyInto(DirectoryInfo folder, string path)
    {
        var full = Path.GetFullPath(path);
        if (string.Equals(Path.GetDirectoryName(full), folder.FullName, StringComparison.Ordinal))
        {
            return full;
        }
        var target = Path.Combine(folder.FullName, Path.GetFileName(full));
        File.Copy(full, target, overwrite: true);
        return target;
    }
}
