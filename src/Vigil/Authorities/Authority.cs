namespace Vigil.Authorities;

public enum AuthorityKind
{
    Police,
    Prosecutor,
    Court,
    Regulator,
    Europol,
    Other,
}

/// <summary>
/// A registered authority: who may send orders (with which instruments and keys) and where referrals go. Managed by
/// legal officers; every change is written to the ledger.
/// </summary>
public sealed class Authority
{
    public long Id { get; set; }

    /// <summary>Unique code; the HI-1 <c>SenderIdentifier/UniqueIdentifier</c> the authority sends (e.g. <c>GB-EXAMPLE-POLICE</c>).</summary>
    public required string Code { get; set; }

    /// <summary>ISO 3166-1 alpha-2, upper case (<c>EU</c> for Union bodies such as Europol).</summary>
    public required string CountryCode { get; set; }

    public required string Name { get; set; }

    public AuthorityKind Kind { get; set; }

    /// <summary>The instruments this authority may use; an order under any other is refused.</summary>
    public List<LegalInstrument> Instruments { get; set; } = [];

    /// <summary>Registered telephone numbers (E.164) for out-of-band callbacks on emergency requests.</summary>
    public List<string> CallbackNumbers { get; set; } = [];

    /// <summary>Absolute https (or loopback http) URL that receives referrals; null when it takes none.</summary>
    public string? ReferralEndpoint { get; set; }

    /// <summary>Competent for EU DSA Art. 18 referrals of threats to life in its country (Europol: when no country is clear).</summary>
    public bool ReceivesReferrals { get; set; }

    /// <summary>X.509 certificate (PEM) that disclosures and referral packages are encrypted to.</summary>
    public string? EncryptionCertificatePem { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set when the authority is withdrawn from the registry: its keys and portal users stop working.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    public List<AuthorityKey> Keys { get; set; } = [];
}

public enum AuthorityKeyKind
{
    /// <summary>A public key that verifies JWS-signed requests (<see cref="AuthorityKey.KeyId"/> is the JWS <c>kid</c>).</summary>
    JwsPublicKey,

    /// <summary>A client certificate for mutual TLS, found by the SHA-256 of its DER.</summary>
    ClientCertificate,
}

/// <summary>One verification key or client certificate of an authority, with its validity and revocation.</summary>
public sealed class AuthorityKey
{
    public long Id { get; set; }

    public long AuthorityId { get; set; }

    public Authority? Authority { get; set; }

    /// <summary>Globally unique key id (the JWS <c>kid</c>; for certificates the SHA-256 thumbprint in hex).</summary>
    public required string KeyId { get; set; }

    public AuthorityKeyKind Kind { get; set; }

    /// <summary>JWS <c>alg</c> the key signs with (<c>ES256</c>, <c>PS256</c>, <c>RS256</c>, <c>EdDSA</c>); null for certificates.</summary>
    public string? Algorithm { get; set; }

    /// <summary>SubjectPublicKeyInfo PEM for JWS keys, or the certificate PEM for client certificates.</summary>
    public required string Pem { get; set; }

    public DateTimeOffset NotBefore { get; set; }

    public DateTimeOffset NotAfter { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevocationReason { get; set; }

    /// <summary>Usable at <paramref name="now"/>: inside its validity and not revoked.</summary>
    public bool IsValidAt(DateTimeOffset now) => RevokedAt is null && now >= NotBefore && now < NotAfter;
}
