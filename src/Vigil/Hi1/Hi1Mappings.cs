using Vigil.Authorities;
using Vigil.Orders;

namespace Vigil.Hi1;

/// <summary>The documented tables from HI-1 dictionary values to Vigil's model (docs/hi1.md lists them).</summary>
public static class Hi1Mappings
{
    /// <summary>Owner of the FormatTypes Vigil defines for platform identifiers (account id, username, item id, URL).</summary>
    public const string VigilOwner = "VIGIL";

    /// <summary>
    /// <c>auth:AuthorisationLegalType</c> Value -> instrument (case-insensitive; the Owner is not consulted because
    /// national owners name the same instrument differently). Vigil's own instrument codes (EPOC, EPOC-PR, TCO, DSA,
    /// UKUS-OPO, LEGAL, EDR) are accepted as well.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, LegalInstrument> LegalTypes = new Dictionary<string, LegalInstrument>(StringComparer.OrdinalIgnoreCase)
    {
        ["EPOC"] = LegalInstrument.EuProductionOrder,
        ["EuropeanProductionOrder"] = LegalInstrument.EuProductionOrder,
        ["EPOC-PR"] = LegalInstrument.EuPreservationOrder,
        ["EPOCPR"] = LegalInstrument.EuPreservationOrder,
        ["EuropeanPreservationOrder"] = LegalInstrument.EuPreservationOrder,
        ["TCO"] = LegalInstrument.EuTcoRemovalOrder,
        ["TCORemovalOrder"] = LegalInstrument.EuTcoRemovalOrder,
        ["RemovalOrder"] = LegalInstrument.EuTcoRemovalOrder,
        ["DSA"] = LegalInstrument.EuDsaOrder,
        ["DSAArticle9Order"] = LegalInstrument.EuDsaOrder,
        ["DSAArticle10Order"] = LegalInstrument.EuDsaOrder,
        ["UKUS-OPO"] = LegalInstrument.UkUsOverseasProductionOrder,
        ["OverseasProductionOrder"] = LegalInstrument.UkUsOverseasProductionOrder,
        ["OPO"] = LegalInstrument.UkUsOverseasProductionOrder,
        ["LEGAL"] = LegalInstrument.GenericLegalProcess,
        ["ProductionOrder"] = LegalInstrument.GenericLegalProcess,
        ["Warrant"] = LegalInstrument.GenericLegalProcess,
        ["SearchWarrant"] = LegalInstrument.GenericLegalProcess,
        ["CourtOrder"] = LegalInstrument.GenericLegalProcess,
        ["Subpoena"] = LegalInstrument.GenericLegalProcess,
        ["EDR"] = LegalInstrument.EmergencyDisclosureRequest,
        ["EmergencyDisclosureRequest"] = LegalInstrument.EmergencyDisclosureRequest,
    };

    /// <summary>The FormatType (owner, name) -> selector kind table. Ports: see <see cref="IsPortFormat"/>.</summary>
    public static readonly IReadOnlyDictionary<(string Owner, string Name), SelectorKind> Formats = new Dictionary<(string, string), SelectorKind>
    {
        [("ETSI", "EmailAddress")] = SelectorKind.EmailAddress,
        [("ETSI", "InternationalE164")] = SelectorKind.PhoneNumber,
        [("ETSI", "IPv4Address")] = SelectorKind.IpAddress,
        [("ETSI", "IPv6Address")] = SelectorKind.IpAddress,
        [("ETSI", "IPAddressPort")] = SelectorKind.IpAddress,
        [("ETSI", "IPv4AddressPort")] = SelectorKind.IpAddress,
        [("ETSI", "IPv6AddressPort")] = SelectorKind.IpAddress,
        [(VigilOwner, "AccountId")] = SelectorKind.AccountId,
        [(VigilOwner, "Username")] = SelectorKind.Username,
        [(VigilOwner, "ItemId")] = SelectorKind.ItemId,
        [(VigilOwner, "URL")] = SelectorKind.Url,
    };

    /// <summary>FormatTypes whose value is <c>address:port</c> (IPv6 in brackets: <c>[2001:db8::1]:443</c>).</summary>
    public static bool IsPortFormat(string name) => name.EndsWith("Port", StringComparison.Ordinal);

    /// <summary>RequestDetails Type Value -> data category (ETSI RequestType dictionary).</summary>
    public static DataCategory? Category(string? value) => value switch
    {
        "SubscriberData" => DataCategory.SubscriberData,
        "UserIdentifyingData" => DataCategory.UserIdentifyingData,
        "TrafficData" => DataCategory.TrafficData,
        "StoredContentData" => DataCategory.StoredContentData,
        _ => null,
    };

    /// <summary>The HI-1 name of a category (inverse of <see cref="Category"/>).</summary>
    public static string CategoryName(DataCategory c) => c.ToString();
}
