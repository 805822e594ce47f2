using System.Text;
using Microsoft.EntityFrameworkCore;
using Vigil.Ledger;
using Vigil.Storage;

namespace Vigil.Authorities;

/// <summary>
/// The fields of an authority as a form or the CLI gives them (raw text, checked by the registry). On update a null
/// field is left unchanged; an empty referral endpoint or encryption certificate clears it.
/// </summary>
public sealed record AuthorityInput(
    string? Code = null,
    string? CountryCode = null,
    string? Name = null,
    string? Kind = null,
    IReadOnlyList<string>? Instruments = null,
    IReadOnlyList<string>? CallbackNumbers = null,
    string? ReferralEndpoint = null,
    bool? ReceivesReferrals = null,
    string? EncryptionCertificatePem = null);

/// <summary>
/// The authority registry: creates, updates and disables authorities, adds and revokes their keys. Every input is
/// checked first (a change with any bad field writes nothing and throws <see cref="AuthorityRegistryException"/>
/// naming each field); every change is saved, then written to the ledger (key material only as its SHA-256).
/// </summary>
public sealed class AuthorityRegistry(VigilDb db, LedgerLog ledger, TimeProvider time)
{
    public const string SubjectType = "authority";
    public const string ActionCreated = "authority.created";
    public const string ActionUpdated = "authority.updated";
    public const string ActionDisabled = "authority.disabled";
    public const string ActionKeyAdded = "authority.key_added";
    public const string ActionKeyRevoked = "authority.key_revoked";
    public const string ActionCallbackAdded = "authority.callback_number_added";
    public const string ActionEncryptionCertificateSet = "authority.encryption_certificate_set";

    /// <summary>All authorities, by code, with their keys.</summary>
    public async Task<IReadOnlyList<Authority>> ListAsync(CancellationToken ct) =>
        await db.Authorities.AsNoTracking().Include(a => a.Keys).OrderBy(a => a.Code).ToListAsync(ct);

    /// <summary>One authority by code (case-insensitive input), with its keys; null when unknown.</summary>
    public async Task<Authority?> FindAsync(string code, CancellationToken ct)
    {
        var c = (code ?? "").Trim().ToUpperInvariant();
        return await db.Authorities.Include(a => a.Keys).FirstOrDefaultAsync(a => a.Code == c, ct);
    }

    public async Task<Authority?> FindAsync(long id, CancellationToken ct) =>
        await db.Authorities.Include(a => a.Keys).FirstOrDefaultAsync(a => a.Id == id, ct);

    /// <summary>Registers an authority. Code, country, name, kind and at least one instrument are required.</summary>
    public async Task<Authority> CreateAsync(AuthorityInput input, string actor, string role, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<RegistryError>();
        var code = Check(errors, "code", AuthorityValidation.Code(input.Code, out var e), e);
        var now = time.GetUtcNow();
        var authority = new Authority { Code = code ?? "", CountryCode = "", Name = "", CreatedAt = now, UpdatedAt = now };
        Apply(authority, input with { Kind = input.Kind ?? "" , CountryCode = input.CountryCode ?? "", Name = input.Name ?? "", Instruments = input.Instruments ?? [] },
            now, errors);
        if (code is not null && await db.Authorities.AnyAsync(a => a.Code == code, ct))
        {
            errors.Add(new("code", $"an authority with code {code} already exists"));
        }
        Throw(errors);
        db.Authorities.Add(authority);
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(Event(actor, role, ActionCreated, authority.Code,
            $"registered {authority.Name} ({authority.CountryCode}, {authority.Kind}); {Describe(authority)}", CertificateHash(authority.EncryptionCertificatePem)), ct);
        return authority;
    }

    /// <summary>Changes the given fields of an authority (its code cannot change: it is what HI-1 requests carry).</summary>
    public async Task<Authority> UpdateAsync(string code, AuthorityInput input, string actor, string role, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var authority = await RequireAsync(code, ct);
        var before = Describe(authority);
        var errors = new List<RegistryError>();
        Apply(authority, input, time.GetUtcNow(), errors);
        if (errors.Count > 0)
        {
            db.ChangeTracker.Clear();
        }
        Throw(errors);
        authority.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(Event(actor, role, ActionUpdated, authority.Code, $"before: {before}; after: {Describe(authority)}",
            input.EncryptionCertificatePem is { Length: > 0 } ? CertificateHash(authority.EncryptionCertificatePem) : null), ct);
        return authority;
    }

    /// <summary>Adds one callback number (normalised to E.164); false when it was already registered.</summary>
    public async Task<bool> AddCallbackNumberAsync(string code, string number, string actor, string role, CancellationToken ct)
    {
        var authority = await RequireAsync(code, ct);
        var e164 = AuthorityValidation.Phone(number, out var error) ?? throw new AuthorityRegistryException("callback_number", error!);
        if (authority.CallbackNumbers.Contains(e164, StringComparer.Ordinal))
        {
            return false;
        }
        authority.CallbackNumbers = [.. authority.CallbackNumbers, e164];
        authority.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(Event(actor, role, ActionCallbackAdded, authority.Code, "callback number " + e164), ct);
        return true;
    }

    /// <summary>Sets the certificate deliveries are encrypted to (RSA of at least 2048 bits, valid now).</summary>
    public async Task SetEncryptionCertificateAsync(string code, string pem, string actor, string role, CancellationToken ct)
    {
        var authority = await RequireAsync(code, ct);
        var canonical = AuthorityValidation.EncryptionCertificate(pem, time.GetUtcNow(), out var error)
            ?? throw new AuthorityRegistryException("encryption_certificate", error!);
        authority.EncryptionCertificatePem = canonical;
        authority.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(Event(actor, role, ActionEncryptionCertificateSet, authority.Code,
            "encryption certificate set (payload hash: SHA-256 of its DER)", CertificateHash(canonical)), ct);
    }

    /// <summary>
    /// Withdraws an authority: its keys stop verifying and its portal users can no longer sign in or use the portal.
    /// Returns false when it was already disabled.
    /// </summary>
    public async Task<bool> DisableAsync(string code, string reason, string actor, string role, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new AuthorityRegistryException("reason", "required");
        }
        var authority = await RequireAsync(code, ct);
        if (authority.DisabledAt is not null)
        {
            return false;
        }
        authority.DisabledAt = time.GetUtcNow();
        authority.UpdatedAt = authority.DisabledAt.Value;
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(Event(actor, role, ActionDisabled, authority.Code, reason.Trim()), ct);
        return true;
    }

    /// <summary>
    /// Adds a JWS verification key: <paramref name="algorithm"/> must match the key's type, the key id must be unique
    /// across all authorities, and the validity must end after it starts (default: from now, for one year).
    /// </summary>
    public async Task<AuthorityKey> AddJwsKeyAsync(string code, string? keyId, string? algorithm, string? pem,
        DateTimeOffset? notBefore, DateTimeOffset? notAfter, string actor, string role, CancellationToken ct)
    {
        var authority = await RequireAsync(code, ct);
        var errors = new List<RegistryError>();
        var kid = Check(errors, "key_id", AuthorityValidation.KeyId(keyId, out var e), e);
        var alg = AuthorityValidation.Algorithms.FirstOrDefault(a => string.Equals(a, algorithm?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (alg is null)
        {
            errors.Add(new("algorithm", $"'{algorithm}' is not one of {string.Join(", ", AuthorityValidation.Algorithms)}"));
        }
        var canonical = alg is null ? null : Check(errors, "pem", AuthorityValidation.JwsPublicKey(pem, alg, out e), e);
        var now = time.GetUtcNow();
        var from = notBefore ?? now;
        var to = notAfter ?? from.AddYears(1);
        if (to <= from)
        {
            errors.Add(new("not_after", "must be after not_before"));
        }
        else if (to <= now)
        {
            errors.Add(new("not_after", "the key's validity has already ended"));
        }
        if (kid is not null && await db.AuthorityKeys.AnyAsync(k => k.KeyId == kid, ct))
        {
            errors.Add(new("key_id", $"key id {kid} is already registered"));
        }
        Throw(errors);
        var key = new AuthorityKey
        {
            AuthorityId = authority.Id, KeyId = kid!, Kind = AuthorityKeyKind.JwsPublicKey, Algorithm = alg, Pem = canonical!,
            NotBefore = from, NotAfter = to, CreatedAt = now,
        };
        return await SaveKeyAsync(authority, key, actor, role, ct);
    }

    /// <summary>Adds a client certificate for mutual TLS; its key id is the lower-case hex SHA-256 of its DER, its validity the certificate's.</summary>
    public async Task<AuthorityKey> AddClientCertificateAsync(string code, string? pem, string actor, string role, CancellationToken ct)
    {
        var authority = await RequireAsync(code, ct);
        using var cert = AuthorityValidation.Certificate(pem, out var error) ?? throw new AuthorityRegistryException("pem", error!);
        var now = time.GetUtcNow();
        var notAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (notAfter <= now)
        {
            throw new AuthorityRegistryException("pem", $"the certificate expired at {notAfter:u}");
        }
        var kid = AuthorityValidation.Sha256Hex(cert.RawData);
        if (await db.AuthorityKeys.AnyAsync(k => k.KeyId == kid, ct))
        {
            throw new AuthorityRegistryException("pem", $"this certificate (key id {kid}) is already registered");
        }
        var key = new AuthorityKey
        {
            AuthorityId = authority.Id, KeyId = kid, Kind = AuthorityKeyKind.ClientCertificate,
            Pem = System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE", cert.RawData),
            NotBefore = new DateTimeOffset(cert.NotBefore.ToUniversalTime(), TimeSpan.Zero), NotAfter = notAfter, CreatedAt = now,
        };
        return await SaveKeyAsync(authority, key, actor, role, ct);
    }

    /// <summary>Revokes a key (by key id) with a reason; false when it was already revoked.</summary>
    public async Task<bool> RevokeKeyAsync(string keyId, string reason, string actor, string role, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new AuthorityRegistryException("reason", "required");
        }
        if (reason.Length > 512)
        {
            throw new AuthorityRegistryException("reason", "at most 512 characters");
        }
        var kid = (keyId ?? "").Trim();
        var key = await db.AuthorityKeys.Include(k => k.Authority).FirstOrDefaultAsync(k => k.KeyId == kid, ct)
            ?? throw new AuthorityRegistryException("key_id", $"no key {kid}");
        if (key.RevokedAt is not null)
        {
            return false;
        }
        key.RevokedAt = time.GetUtcNow();
        key.RevocationReason = reason.Trim();
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(Event(actor, role, ActionKeyRevoked, key.Authority!.Code, $"key {key.KeyId} revoked: {key.RevocationReason}",
            LedgerEvent.HashPayload(Encoding.UTF8.GetBytes(key.Pem))), ct);
        return true;
    }

    private async Task<AuthorityKey> SaveKeyAsync(Authority authority, AuthorityKey key, string actor, string role, CancellationToken ct)
    {
        db.AuthorityKeys.Add(key);
        await db.SaveChangesAsync(ct);
        var what = key.Kind == AuthorityKeyKind.JwsPublicKey ? $"JWS key {key.KeyId} ({key.Algorithm})" : $"client certificate {key.KeyId}";
        await ledger.AppendAsync(Event(actor, role, ActionKeyAdded, authority.Code,
            $"{what} valid {key.NotBefore:u} to {key.NotAfter:u} (payload hash: SHA-256 of the PEM)", LedgerEvent.HashPayload(Encoding.UTF8.GetBytes(key.Pem))), ct);
        return key;
    }

    private async Task<Authority> RequireAsync(string code, CancellationToken ct) =>
        await FindAsync(code, ct) ?? throw new AuthorityRegistryException("code", $"no authority {code}");

    /// <summary>Checks and applies the non-null fields of <paramref name="input"/>; errors go to <paramref name="errors"/>.</summary>
    private static void Apply(Authority a, AuthorityInput input, DateTimeOffset now, List<RegistryError> errors)
    {
        string? e;
        if (input.CountryCode is not null && Check(errors, "country", AuthorityValidation.Country(input.CountryCode, out e), e) is { } country)
        {
            a.CountryCode = country;
        }
        if (input.Name is not null && Check(errors, "name", AuthorityValidation.Name(input.Name, out e), e) is { } name)
        {
            a.Name = name;
        }
        if (input.Kind is not null)
        {
            if (AuthorityValidation.Kind(input.Kind, out e) is { } kind)
            {
                a.Kind = kind;
            }
            else
            {
                errors.Add(new("kind", e!));
            }
        }
        if (input.Instruments is { } instruments)
        {
            var list = new List<LegalInstrument>();
            for (int i = 0; i < instruments.Count; i++)
            {
                if (AuthorityValidation.Instrument(instruments[i], out e) is { } ins)
                {
                    if (!list.Contains(ins))
                    {
                        list.Add(ins);
                    }
                }
                else
                {
                    errors.Add(new($"instruments[{i}]", e!));
                }
            }
            if (list.Count == 0 && instruments.Count == 0)
            {
                errors.Add(new("instruments", "at least one instrument is required"));
            }
            a.Instruments = list;
        }
        if (input.CallbackNumbers is { } numbers)
        {
            var list = new List<string>();
            for (int i = 0; i < numbers.Count; i++)
            {
                if (Check(errors, $"callback_numbers[{i}]", AuthorityValidation.Phone(numbers[i], out e), e) is { } n && !list.Contains(n))
                {
                    list.Add(n);
                }
            }
            a.CallbackNumbers = list;
        }
        if (input.ReferralEndpoint is not null)
        {
            a.ReferralEndpoint = input.ReferralEndpoint.Trim().Length == 0 ? null
                : Check(errors, "referral_endpoint", AuthorityValidation.ReferralEndpoint(input.ReferralEndpoint, out e), e);
        }
        if (input.ReceivesReferrals is { } receives)
        {
            a.ReceivesReferrals = receives;
        }
        if (input.EncryptionCertificatePem is not null)
        {
            a.EncryptionCertificatePem = input.EncryptionCertificatePem.Trim().Length == 0 ? null
                : Check(errors, "encryption_certificate", AuthorityValidation.EncryptionCertificate(input.EncryptionCertificatePem, now, out e), e);
        }
        if (a.ReceivesReferrals && a.ReferralEndpoint is null && !errors.Any(x => x.Field == "referral_endpoint"))
        {
            errors.Add(new("referral_endpoint", "an authority that receives referrals needs a referral endpoint"));
        }
    }

    private static T? Check<T>(List<RegistryError> errors, string field, T? value, string? error)
        where T : class
    {
        if (value is null)
        {
            errors.Add(new(field, error ?? "invalid"));
        }
        return value;
    }

    private static void Throw(List<RegistryError> errors)
    {
        if (errors.Count > 0)
        {
            throw new AuthorityRegistryException(errors);
        }
    }

    private static byte[]? CertificateHash(string? pem) =>
        pem is null ? null : LedgerEvent.HashPayload(AuthorityValidation.Pem(pem, "CERTIFICATE", out _) ?? []);

    /// <summary>The registry fields in one line (no key material), for the ledger's before/after.</summary>
    public static string Describe(Authority a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return $"name={a.Name}; country={a.CountryCode}; kind={a.Kind}; instruments={string.Join(",", a.Instruments.Select(i => InstrumentRules.For(i).Code))}; "
            + $"callbacks={string.Join(",", a.CallbackNumbers)}; referral_endpoint={a.ReferralEndpoint ?? "none"}; receives_referrals={(a.ReceivesReferrals ? "yes" : "no")}; "
            + $"encryption_certificate={(a.EncryptionCertificatePem is null ? "none" : "set")}";
    }

    /// <summary>A ledger event about an authority (subject <c>authority</c>/code).</summary>
    public static LedgerEvent Event(string actor, string role, string action, string code, string reason, byte[]? payloadSha256 = null) =>
        new(Cut(actor, LedgerEvent.MaxNameLength), Cut(role, LedgerEvent.MaxNameLength), action, new LedgerSubject(SubjectType, code),
            Cut(reason, LedgerEvent.MaxReasonLength), payloadSha256);

    private static string Cut(string s, int max)
    {
        s = string.IsNullOrEmpty(s) ? "(empty)" : s;
        return s.Length <= max ? s : char.IsHighSurrogate(s[max - 1]) ? s[..(max - 1)] : s[..max];
    }
}
