using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

namespace Vigil.Hi1;

/// <summary>The protected header of a request's JWS, as Vigil reads it.</summary>
/// <param name="Alg">JWS <c>alg</c>: ES256, ES384, PS256, RS256 or EdDSA (never <c>none</c>).</param>
/// <param name="Kid">The registered key id (<c>AuthorityKey.KeyId</c>).</param>
/// <param name="IssuedAt"><c>iat</c>: when it was signed (NumericDate, seconds); must be within the allowed skew.</param>
/// <param name="Nonce"><c>nonce</c>: 16-128 characters [A-Za-z0-9_-], never reused with the same key.</param>
/// <param name="ContentType"><c>cty</c>: <c>hi1+json</c> or <c>hi1+xml</c>; when absent the payload's first character decides.</param>
public sealed record Hi1JwsHeader(string Alg, string Kid, DateTimeOffset IssuedAt, string Nonce, string? ContentType);

/// <summary>A parsed JWS compact serialisation (RFC 7515): header, payload, signature and the signed bytes.</summary>
public sealed record Hi1Jws(Hi1JwsHeader Header, byte[] Payload, byte[] Signature, byte[] SigningInput)
{
    /// <summary>Largest protected header accepted, in characters of its base64url form.</summary>
    public const int MaxHeaderLength = 4096;

    public static readonly IReadOnlySet<string> Algorithms = new HashSet<string>(StringComparer.Ordinal) { "ES256", "ES384", "PS256", "RS256", "EdDSA" };

    /// <summary>The header names Vigil understands; <c>crit</c> naming anything else, or key-carrying headers (jwk, jku, x5u, x5c), are refused.</summary>
    private static readonly HashSet<string> KnownHeaders = new(StringComparer.Ordinal) { "alg", "kid", "iat", "nonce", "cty", "typ" };

    private static readonly HashSet<string> KeyHeaders = new(StringComparer.Ordinal) { "jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256" };

    /// <summary>
    /// Parses <paramref name="compact"/> (ASCII <c>header.payload.signature</c>); throws <see cref="Hi1Exception"/>
    /// with a precise code for every structural fault. The signature is not verified here.
    /// </summary>
    public static Hi1Jws Parse(ReadOnlySpan<byte> compact)
    {
        compact = compact.Trim("\r\n \t"u8);
        int first = compact.IndexOf((byte)'.');
        int last = compact.LastIndexOf((byte)'.');
        if (first < 0 || last == first)
        {
            throw Hi1Exception.Unauthenticated("jws_malformed", "the body is not a JWS compact serialisation (header.payload.signature)");
        }
        var headerPart = compact[..first];
        var payloadPart = compact[(first + 1)..last];
        var signaturePart = compact[(last + 1)..];
        if (payloadPart.IndexOf((byte)'.') >= 0)
        {
            throw Hi1Exception.Unauthenticated("jws_malformed", "a JWS compact serialisation has exactly three parts (JWE and JSON serialisations are not accepted)");
        }
        if (headerPart.Length == 0 || headerPart.Length > MaxHeaderLength)
        {
            throw Hi1Exception.Unauthenticated("jws_malformed", $"the protected header is empty or longer than {MaxHeaderLength} characters");
        }
        if (signaturePart.Length == 0)
        {
            throw Hi1Exception.Unauthenticated("signature_missing", "the JWS has no signature (unsecured JWS are refused)");
        }
        var headerBytes = Decode(headerPart, "header");
        var payload = Decode(payloadPart, "payload");
        var signature = Decode(signaturePart, "signature");
        var header = ReadHeader(headerBytes);
        return new Hi1Jws(header, payload, signature, compact[..last].ToArray());
    }

    private static byte[] Decode(ReadOnlySpan<byte> part, string what)
    {
        var buffer = new byte[Base64Url.GetMaxDecodedLength(part.Length)];
        if (Base64Url.DecodeFromUtf8(part, buffer, out _, out int written) != System.Buffers.OperationStatus.Done)
        {
            throw Hi1Exception.Unauthenticated("jws_malformed", $"the JWS {what} is not base64url");
        }
        return buffer.AsSpan(0, written).ToArray();
    }

    private static Hi1JwsHeader ReadHeader(byte[] json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException)
        {
            throw Hi1Exception.Unauthenticated("jws_malformed", "the JWS protected header is not a JSON object");
        }
        using (doc)
        {
            var h = doc.RootElement;
            if (h.ValueKind != JsonValueKind.Object)
            {
                throw Hi1Exception.Unauthenticated("jws_malformed", "the JWS protected header is not a JSON object");
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in h.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                {
                    throw Hi1Exception.Unauthenticated("jws_malformed", $"header parameter '{p.Name}' appears twice");
                }
                if (KeyHeaders.Contains(p.Name))
                {
                    throw Hi1Exception.Unauthenticated("jws_header_unsupported", $"header parameter '{p.Name}' is refused: the key is always the registered one named by kid");
                }
            }
            if (h.TryGetProperty("crit", out var crit))
            {
                if (crit.ValueKind != JsonValueKind.Array || crit.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String || !KnownHeaders.Contains(c.GetString()!)))
                {
                    throw Hi1Exception.Unauthenticated("jws_header_unsupported", "crit names a header parameter Vigil does not understand");
                }
            }
            var alg = String(h, "alg");
            if (alg is null)
            {
                throw Hi1Exception.Unauthenticated("alg_missing", "the JWS header has no alg");
            }
            if (string.Equals(alg, "none", StringComparison.OrdinalIgnoreCase))
            {
                throw Hi1Exception.Unauthenticated("alg_none", "alg none (an unsigned JWS) is refused");
            }
            if (!Algorithms.Contains(alg))
            {
                throw Hi1Exception.Unauthenticated("alg_unsupported", $"alg '{Hi1Codec.Cut(alg)}' is not supported (ES256, ES384, PS256, RS256, EdDSA)");
            }
            var kid = String(h, "kid");
            if (string.IsNullOrEmpty(kid) || kid.Length > 128)
            {
                throw Hi1Exception.Unauthenticated("kid_missing", "the JWS header has no kid (1-128 characters)");
            }
            if (!h.TryGetProperty("iat", out var iat) || iat.ValueKind != JsonValueKind.Number || !iat.TryGetInt64(out var seconds)
                || seconds is < 0 or > 253402300799)
            {
                throw Hi1Exception.Unauthenticated("iat_missing", "the JWS header has no iat (NumericDate, whole seconds)");
            }
            var nonce = String(h, "nonce");
            if (nonce is null)
            {
                throw Hi1Exception.Unauthenticated("nonce_missing", "the JWS header has no nonce");
            }
            if (nonce.Length is < 16 or > 128 || !nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw Hi1Exception.Unauthenticated("nonce_invalid", "the nonce must be 16-128 characters of [A-Za-z0-9_-]");
            }
            var cty = String(h, "cty");
            if (cty is not null && cty is not ("hi1+json" or "hi1+xml" or "application/hi1+json" or "application/hi1+xml"))
            {
                throw Hi1Exception.Malformed("cty_unsupported", "cty must be hi1+json or hi1+xml");
            }
            return new Hi1JwsHeader(alg, kid, DateTimeOffset.FromUnixTimeSeconds(seconds), nonce, cty);
        }
    }

    private static string? String(JsonElement h, string name) =>
        h.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Checks the signature with a registered public key (SubjectPublicKeyInfo PEM) for <paramref name="alg"/>.</summary>
    public bool Verify(string alg, string publicKeyPem)
    {
        ArgumentNullException.ThrowIfNull(publicKeyPem);
        var key = VerificationKeys.Get(alg, publicKeyPem);
        if (key is null)
        {
            return false;
        }
        // One imported key object per registered key, shared by all requests; the platform's crypto objects are not
        // documented as safe for concurrent use, so each verification holds the key's lock (~0.1 ms).
        lock (key)
        {
            try
            {
                return key switch
                {
                    ECDsa ec => ec.VerifyData(SigningInput, Signature, alg == "ES256" ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384),
                    RSA rsa => rsa.VerifyData(SigningInput, Signature, HashAlgorithmName.SHA256, alg == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
                    PublicKey ed => SignatureAlgorithm.Ed25519.Verify(ed, SigningInput, Signature),
                    _ => false,
                };
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
            {
                return false;
            }
        }
    }
}

/// <summary>
/// Registered public keys, imported once (parsing a PEM costs more than verifying with it). Keyed by algorithm and the
/// PEM itself, so a key that is revoked or replaced in the registry is simply never asked for again; the registry is
/// still read on every request, so revocation takes effect at once.
/// </summary>
internal static class VerificationKeys
{
    private const int MaxKeys = 1024;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Alg, string Pem), object> Imported = new();

    /// <summary>The key for <paramref name="alg"/>, or null when the PEM is not a key of that algorithm (or too small).</summary>
    public static object? Get(string alg, string pem)
    {
        if (Imported.TryGetValue((alg, pem), out var known))
        {
            return known;
        }
        var key = Import(alg, pem);
        if (key is null)
        {
            return null;
        }
        if (Imported.Count >= MaxKeys)
        {
            Imported.Clear();
        }
        return Imported.GetOrAdd((alg, pem), key);
    }

    private static object? Import(string alg, string pem)
    {
        try
        {
            switch (alg)
            {
                case "ES256":
                case "ES384":
                    {
                        var ec = ECDsa.Create();
                        ec.ImportFromPem(pem);
                        if (ec.KeySize == (alg == "ES256" ? 256 : 384))
                        {
                            return ec;
                        }
                        ec.Dispose();
                        return null;
                    }
                case "PS256":
                case "RS256":
                    {
                        var rsa = RSA.Create();
                        rsa.ImportFromPem(pem);
                        if (rsa.KeySize >= 2048)
                        {
                            return rsa;
                        }
                        rsa.Dispose();
                        return null;
                    }
                case "EdDSA":
                    return PublicKey.Import(SignatureAlgorithm.Ed25519, Encoding.ASCII.GetBytes(pem), KeyBlobFormat.PkixPublicKeyText);
                default:
                    return null;
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
        {
            // A registered key that does not parse as the algorithm's key type verifies nothing.
            return null;
        }
    }
}
