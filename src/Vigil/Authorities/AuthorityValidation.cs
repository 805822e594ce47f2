using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Vigil.Orders;

namespace Vigil.Authorities;

/// <summary>One refused registry input: the field it concerns (<c>code</c>, <c>callback_numbers[1]</c>, <c>pem</c>) and why.</summary>
public sealed record RegistryError(string Field, string Message);

/// <summary>Thrown when the registry refuses a change; nothing has been written. <see cref="Errors"/> names every bad field.</summary>
public sealed class AuthorityRegistryException : Exception
{
    public AuthorityRegistryException(IReadOnlyList<RegistryError> errors)
        : base(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")))
    {
        Errors = errors;
    }

    public AuthorityRegistryException(string field, string message) : this([new RegistryError(field, message)]) { }

    public AuthorityRegistryException() : this("request", "refused") { }

    public AuthorityRegistryException(string message, Exception inner) : base(message, inner)
    {
        Errors = [new RegistryError("request", message)];
    }

    public IReadOnlyList<RegistryError> Errors { get; }
}

/// <summary>The checks behind <see cref="AuthorityRegistry"/>: each returns the normalised value or an error message.</summary>
public static partial class AuthorityValidation
{
    /// <summary>JWS algorithms an authority key may use.</summary>
    public static readonly IReadOnlyList<string> Algorithms = ["ES256", "PS256", "RS256", "EdDSA"];

    /// <summary>Smallest RSA modulus accepted for signatures and for encryption (key transport).</summary>
    public const int MinRsaBits = 2048;

    /// <summary>Largest PEM text accepted (a certificate chain is far smaller).</summary>
    public const int MaxPemLength = 64 * 1024;

    private const string OidEcPublicKey = "1.2.840.10045.2.1";
    private const string OidP256 = "1.2.840.10045.3.1.7";
    private const string OidRsa = "1.2.840.113549.1.1.1";
    private const string OidRsaPss = "1.2.840.113549.1.1.10";
    private const string OidEd25519 = "1.3.101.112";

    // ISO 3166-1 alpha-2 officially assigned codes, plus EU for Union bodies.
    private static readonly HashSet<string> Countries = new(
        ("AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
        + "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR "
        + "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP "
        + "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT "
        + "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
        + "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG "
        + "UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW EU").Split(' '), StringComparer.Ordinal);

    [GeneratedRegex("^[A-Z0-9][A-Z0-9._-]{1,127}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex KeyIdPattern();

    /// <summary>The authority code (HI-1 UniqueIdentifier): upper-case letters, digits, <c>.</c> <c>_</c> <c>-</c>, 2-128 characters.</summary>
    public static string? Code(string? raw, out string? error)
    {
        var v = raw?.Trim().ToUpperInvariant() ?? "";
        error = v.Length == 0 ? "required"
            : CodePattern().IsMatch(v) ? null
            : "2-128 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";
        return error is null ? v : null;
    }

    public static string? Country(string? raw, out string? error)
    {
        var v = raw?.Trim().ToUpperInvariant() ?? "";
        error = v.Length == 0 ? "required" : Countries.Contains(v) ? null : $"'{raw}' is not an ISO 3166-1 alpha-2 code (or EU)";
        return error is null ? v : null;
    }

    public static string? Name(string? raw, out string? error)
    {
        var v = raw?.Trim() ?? "";
        error = v.Length == 0 ? "required" : v.Length > 256 ? "at most 256 characters" : v.Any(char.IsControl) ? "control characters" : null;
        return error is null ? v : null;
    }

    public static AuthorityKind? Kind(string? raw, out string? error)
    {
        error = null;
        if (Enum.TryParse<AuthorityKind>(raw?.Trim(), ignoreCase: true, out var k) && Enum.IsDefined(k) && !int.TryParse(raw, out _))
        {
            return k;
        }
        error = $"'{raw}' is not a kind; kinds: {string.Join(", ", Enum.GetNames<AuthorityKind>())}";
        return null;
    }

    /// <summary>An instrument from its <see cref="InstrumentRules.Code"/> (e.g. <c>EPOC</c>, <c>LEGAL</c>).</summary>
    public static LegalInstrument? Instrument(string? raw, out string? error)
    {
        error = null;
        if (InstrumentRules.ForCode(raw?.Trim() ?? "") is { } r)
        {
            return r.Instrument;
        }
        error = $"unknown instrument '{raw}'; instruments: {string.Join(", ", InstrumentRules.All.Select(x => x.Code))}";
        return null;
    }

    /// <summary>A callback number normalised to E.164 (libphonenumber, as for phone selectors).</summary>
    public static string? Phone(string? raw, out string? error)
    {
        var v = Selectors.Normalise(SelectorKind.PhoneNumber, raw, out var e);
        error = v is null ? $"'{raw}' is not a valid international phone number ({e}); write it as +CC..." : null;
        return v;
    }

    /// <summary>The referral endpoint: an absolute https URL, or http only on a loopback host (tests, local relays).</summary>
    public static string? ReferralEndpoint(string? raw, out string? error)
    {
        error = null;
        var v = raw?.Trim() ?? "";
        if (v.Length > 2048)
        {
            error = "at most 2048 characters";
            return null;
        }
        if (!Uri.TryCreate(v, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            error = $"'{raw}' is not an absolute URL";
            return null;
        }
        if (uri.UserInfo.Length > 0)
        {
            error = "credentials in the URL are not allowed";
            return null;
        }
        if (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        {
            return uri.AbsoluteUri;
        }
        error = "must be https (http only on a loopback address)";
        return null;
    }

    /// <summary>Reads one PEM block with <paramref name="label"/>; null and an error when there is none or it is malformed.</summary>
    public static byte[]? Pem(string? text, string label, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "required";
            return null;
        }
        if (text.Length > MaxPemLength)
        {
            error = $"longer than {MaxPemLength} characters";
            return null;
        }
        if (!PemEncoding.TryFind(text, out var fields))
        {
            error = $"not PEM: expected -----BEGIN {label}-----";
            return null;
        }
        var found = text[fields.Label];
        if (!string.Equals(found, label, StringComparison.Ordinal))
        {
            error = $"expected a {label} PEM block, found {found}";
            return null;
        }
        try
        {
            return Convert.FromBase64String(text[fields.Base64Data]);
        }
        catch (FormatException)
        {
            error = "the PEM block's base64 is malformed";
            return null;
        }
    }

    /// <summary>
    /// Checks a SubjectPublicKeyInfo against the JWS <paramref name="algorithm"/>: ES256 needs an EC P-256 key, PS256 and
    /// RS256 an RSA key of at least 2048 bits, EdDSA an Ed25519 key. Returns the canonical PEM or null with an error.
    /// </summary>
    public static string? JwsPublicKey(string? pem, string algorithm, out string? error)
    {
        var der = Pem(pem, "PUBLIC KEY", out error);
        if (der is null)
        {
            return null;
        }
        string keyOid;
        string? curve = null;
        try
        {
            var spki = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var alg = spki.ReadSequence();
            keyOid = alg.ReadObjectIdentifier();
            if (alg.HasData && alg.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                curve = alg.ReadObjectIdentifier();
            }
        }
        catch (AsnContentException)
        {
            error = "not a SubjectPublicKeyInfo (DER is malformed)";
            return null;
        }
        try
        {
            switch (algorithm)
            {
                case "ES256":
                    if (keyOid != OidEcPublicKey || curve != OidP256)
                    {
                        error = "ES256 needs an EC P-256 public key";
                        return null;
                    }
                    using (var ec = ECDsa.Create())
                    {
                        ec.ImportSubjectPublicKeyInfo(der, out _);
                    }
                    break;
                case "PS256" or "RS256":
                    if (keyOid is not (OidRsa or OidRsaPss))
                    {
                        error = $"{algorithm} needs an RSA public key";
                        return null;
                    }
                    using (var rsa = RSA.Create())
                    {
                        rsa.ImportSubjectPublicKeyInfo(der, out _);
                        if (rsa.KeySize < MinRsaBits)
                        {
                            error = $"RSA key of {rsa.KeySize} bits; at least {MinRsaBits} are required";
                            return null;
                        }
                    }
                    break;
                case "EdDSA":
                    if (keyOid != OidEd25519)
                    {
                        error = "EdDSA needs an Ed25519 public key";
                        return null;
                    }
                    if (!NSec.Cryptography.PublicKey.TryImport(NSec.Cryptography.SignatureAlgorithm.Ed25519, der,
                        NSec.Cryptography.KeyBlobFormat.PkixPublicKey, out var ed) || ed is null)
                    {
                        error = "not a valid Ed25519 public key";
                        return null;
                    }
                    break;
                default:
                    error = $"unknown algorithm '{algorithm}'; algorithms: {string.Join(", ", Algorithms)}";
                    return null;
            }
        }
        catch (CryptographicException e)
        {
            error = "the public key does not load: " + e.Message;
            return null;
        }
        return PemEncoding.WriteString("PUBLIC KEY", der);
    }

    /// <summary>Loads one X.509 certificate from PEM; null with an error when it is not one.</summary>
    public static X509Certificate2? Certificate(string? pem, out string? error)
    {
        var der = Pem(pem, "CERTIFICATE", out error);
        if (der is null)
        {
            return null;
        }
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            error = "not an X.509 certificate: " + e.Message;
            return null;
        }
    }

    /// <summary>
    /// The certificate deliveries are encrypted to: CMS EnvelopedData uses RSA key transport, so it must hold an RSA
    /// key of at least 2048 bits, and it must be valid now.
    /// </summary>
    public static string? EncryptionCertificate(string? pem, DateTimeOffset now, out string? error)
    {
        using var cert = Certificate(pem, out error);
        if (cert is null)
        {
            return null;
        }
        using var rsa = cert.GetRSAPublicKey();
        if (rsa is null)
        {
            error = $"the certificate's key is {cert.PublicKey.Oid.FriendlyName ?? cert.PublicKey.Oid.Value}; encryption needs RSA (CMS key transport)";
            return null;
        }
        if (rsa.KeySize < MinRsaBits)
        {
            error = $"RSA key of {rsa.KeySize} bits; at least {MinRsaBits} are required";
            return null;
        }
        if (!ValidAt(cert, now, out error))
        {
            return null;
        }
        return PemEncoding.WriteString("CERTIFICATE", cert.RawData);
    }

    /// <summary>True when <paramref name="now"/> is inside the certificate's validity; otherwise an error naming the bound.</summary>
    public static bool ValidAt(X509Certificate2 cert, DateTimeOffset now, out string? error)
    {
        ArgumentNullException.ThrowIfNull(cert);
        var from = new DateTimeOffset(cert.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var to = new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        error = now < from ? $"the certificate is not valid before {from:u}"
            : now >= to ? $"the certificate expired at {to:u}"
            : null;
        return error is null;
    }

    /// <summary>A JWS <c>kid</c>: 1-128 characters of letters, digits, <c>.</c> <c>_</c> <c>:</c> <c>-</c>.</summary>
    public static string? KeyId(string? raw, out string? error)
    {
        var v = raw?.Trim() ?? "";
        error = v.Length == 0 ? "required" : KeyIdPattern().IsMatch(v) ? null : "1-128 characters: letters, digits, '.', '_', ':' or '-'";
        return error is null ? v : null;
    }

    /// <summary>Lower-case hex SHA-256, the ledger's trace of key material.</summary>
    public static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
