using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

namespace Vigil.Hi1;

/// <summary>
/// The authority side of HI-1 authentication: signs a message into a JWS compact serialisation with the protected
/// header Vigil expects (alg, kid, iat, nonce, cty). Used by tests, the benchmark and the demo.
/// </summary>
public sealed class Hi1Signer : IDisposable
{
    private readonly AsymmetricAlgorithm? dotnetKey;
    private readonly Key? edKey;

    private Hi1Signer(string algorithm, string keyId, AsymmetricAlgorithm? dotnetKey, Key? edKey)
    {
        Algorithm = algorithm;
        KeyId = keyId;
        this.dotnetKey = dotnetKey;
        this.edKey = edKey;
    }

    /// <summary>The JWS alg (ES256, PS256, RS256 or EdDSA).</summary>
    public string Algorithm { get; }

    /// <summary>The kid written into every header.</summary>
    public string KeyId { get; }

    /// <summary>A fresh key pair for <paramref name="algorithm"/> (ES256: P-256; PS256/RS256: RSA-3072; EdDSA: Ed25519).</summary>
    public static Hi1Signer Generate(string algorithm, string keyId) => algorithm switch
    {
        "ES256" => new Hi1Signer(algorithm, keyId, ECDsa.Create(ECCurve.NamedCurves.nistP256), null),
        "PS256" or "RS256" => new Hi1Signer(algorithm, keyId, RSA.Create(3072), null),
        "EdDSA" => new Hi1Signer(algorithm, keyId, null,
            Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport })),
        _ => throw new ArgumentException($"unsupported alg {algorithm}", nameof(algorithm)),
    };

    /// <summary>Loads a PKCS#8 private key PEM (EC, RSA or Ed25519) for <paramref name="algorithm"/>.</summary>
    public static Hi1Signer FromPrivateKeyPem(string algorithm, string keyId, string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        switch (algorithm)
        {
            case "ES256":
                var ec = ECDsa.Create();
                ec.ImportFromPem(pem);
                return new Hi1Signer(algorithm, keyId, ec, null);
            case "PS256":
            case "RS256":
                var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                return new Hi1Signer(algorithm, keyId, rsa, null);
            case "EdDSA":
                return new Hi1Signer(algorithm, keyId, null, Key.Import(SignatureAlgorithm.Ed25519, Encoding.ASCII.GetBytes(pem),
                    KeyBlobFormat.PkixPrivateKeyText, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
            default:
                throw new ArgumentException($"unsupported alg {algorithm}", nameof(algorithm));
        }
    }

    /// <summary>The public key as SubjectPublicKeyInfo PEM (what is registered as the <c>AuthorityKey.Pem</c>).</summary>
    public string PublicKeyPem() => edKey is not null
        ? Encoding.ASCII.GetString(edKey.Export(KeyBlobFormat.PkixPublicKeyText))
        : dotnetKey!.ExportSubjectPublicKeyInfoPem();

    /// <summary>The private key as PKCS#8 PEM (for the demo's key files).</summary>
    public string PrivateKeyPem() => edKey is not null
        ? Encoding.ASCII.GetString(edKey.Export(KeyBlobFormat.PkixPrivateKeyText))
        : dotnetKey!.ExportPkcs8PrivateKeyPem();

    /// <summary>Signs <paramref name="message"/> with a fresh random nonce unless one is given.</summary>
    public string Sign(byte[] message, DateTimeOffset issuedAt, string? nonce = null, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("alg", Algorithm);
            w.WriteString("kid", KeyId);
            w.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            w.WriteString("nonce", nonce ?? NewNonce());
            w.WriteString("cty", contentType ?? (Hi1Codec.Sniff(message) == Hi1Encoding.Xml ? "hi1+xml" : "hi1+json"));
            w.WriteEndObject();
        }
        return SignWithHeader(ms.ToArray(), message);
    }

    /// <summary>Signs with an exact protected header as given (tests use it to craft hostile headers).</summary>
    public string SignWithHeader(byte[] headerJson, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(headerJson);
        ArgumentNullException.ThrowIfNull(payload);
        var signingInput = Base64Url.EncodeToString(headerJson) + "." + Base64Url.EncodeToString(payload);
        var data = Encoding.ASCII.GetBytes(signingInput);
        return signingInput + "." + Base64Url.EncodeToString(SignBytes(data));
    }

    /// <summary>The raw JWS signature of <paramref name="data"/> (ECDSA as r||s).</summary>
    public byte[] SignBytes(byte[] data) => Algorithm switch
    {
        "ES256" => ((ECDsa)dotnetKey!).SignData(data, HashAlgorithmName.SHA256),
        "PS256" => ((RSA)dotnetKey!).SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
        "RS256" => ((RSA)dotnetKey!).SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        "EdDSA" => SignatureAlgorithm.Ed25519.Sign(edKey!, data),
        _ => throw new InvalidOperationException("unsupported alg"),
    };

    /// <summary>A random 128-bit nonce in base64url (22 characters).</summary>
    public static string NewNonce() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public void Dispose()
    {
        dotnetKey?.Dispose();
        edKey?.Dispose();
    }
}
