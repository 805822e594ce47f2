using System.Globalization;

namespace Vigil.Disclosure;

/// <summary>
/// Where a package is delivered: the authority's portal user downloads it once, before it expires. HI-1 answers with a
/// DeliveryObject pointing here (<see cref="Hi1.Hi1Responses.Delivery"/>).
/// </summary>
public static class DisclosureDelivery
{
    public const string ContentType = "application/pkcs7-mime";

    /// <summary>The portal route of a package's download.</summary>
    public static string DownloadPath(long packageId) => string.Create(CultureInfo.InvariantCulture, $"/portal/disclosures/{packageId}/download");
}
