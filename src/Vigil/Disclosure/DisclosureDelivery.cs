using System.Globalization;

namespace Vigil.Disclosure;

/// <summary>
/// A DeliveryObject-style reference to a package for an HI-1 GET response: the authority fetches the package itself
/// through the portal (one-time, expiring), and checks it against <see cref="Sha256"/>.
/// </summary>
/// <param name="PackageId">The package's id.</param>
/// <param name="OrderId">The order it answers.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the <c>.p7m</c> file.</param>
/// <param name="SizeBytes">Size of the file.</param>
/// <param name="DownloadUrl">Absolute URL of the one-time download (portal sign-in required).</param>
/// <param name="ExpiresAt">After this the download is refused.</param>
/// <param name="Downloaded">True once it has been downloaded (it cannot be downloaded again).</param>
/// <param name="ContentType">Always <c>application/pkcs7-mime</c>.</param>
public sealed record Hi1DeliveryReference(long PackageId, long OrderId, string Sha256, long SizeBytes, Uri DownloadUrl, DateTimeOffset ExpiresAt, bool Downloaded, string ContentType);

/// <summary>Delivery references to packages.</summary>
public static class DisclosureDelivery
{
    public const string ContentType = "application/pkcs7-mime";

    /// <summary>The portal route of a package's download.</summary>
    public static string DownloadPath(long packageId) => string.Create(CultureInfo.InvariantCulture, $"/portal/disclosures/{packageId}/download");

    /// <summary>The reference an HI-1 response includes for <paramref name="package"/>, with links under <paramref name="baseUri"/>.</summary>
    public static Hi1DeliveryReference Hi1DeliveryReference(DisclosurePackage package, Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(baseUri);
        return new(package.Id, package.OrderId, package.Sha256, package.SizeBytes, new Uri(baseUri, DownloadPath(package.Id)), package.ExpiresAt,
            package.DownloadedAt is not null, ContentType);
    }
}
