using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Tests.Support;

namespace Vigil.Tests.Authorities;

public sealed class AuthorityRegistryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private sealed class Fixture : IAsyncDisposable
    {
        public required TestStore Store { get; init; }
        public required LedgerLog Ledger { get; init; }
        public FakeTimeProvider Time { get; } = new(Now);

        public static async Task<Fixture> CreateAsync(string provider)
        {
            var store = await TestStore.CreateAsync(provider);
            await using (await store.Store.OpenAsync(CancellationToken.None))
            {
            }
            return new Fixture { Store = store, Ledger = LedgerLog.OpenDataDirectory(store.Store.DataDirectory.FullName) };
        }

        /// <summary>Runs <paramref name="body"/> with a registry on a fresh context, as each request or command does.</summary>
        public async Task<T> WithAsync<T>(Func<AuthorityRegistry, Task<T>> body)
        {
            await using var db = Store.Store.CreateContext();
            return await body(new AuthorityRegistry(db, Ledger, Time));
        }

        public async Task WithAsync(Func<AuthorityRegistry, Task> body)
        {
            await using var db = Store.Store.CreateContext();
            await body(new AuthorityRegistry(db, Ledger, Time));
        }

        public List<LedgerEvent> Events() => [.. Enumerable.Range(0, (int)Ledger.Size()).Select(i => Ledger.ReadEntry(i).Event)];

        public async ValueTask DisposeAsync()
        {
            await Ledger.DisposeAsync();
            await Store.DisposeAsync();
        }
    }

    private static AuthorityInput Valid(string code = "GB-EXAMPLE-POLICE") => new(
        Code: code, CountryCode: "gb", Name: "Example Police", Kind: "police", Instruments: ["LEGAL", "edr"],
        CallbackNumbers: ["+44 20 7123 4567"], ReferralEndpoint: "https://referrals.example.org/in", ReceivesReferrals: true);

    /// <summary>Asserts the change is refused naming <paramref name="field"/>, and that nothing was written to the database or the ledger.</summary>
    private static async Task RefusedAsync(Fixture f, string field, Func<AuthorityRegistry, Task> change, string? messagePart = null)
    {
        var ledgerBefore = f.Ledger.Size();
        string before;
        await using (var db = f.Store.Store.CreateContext())
        {
            before = Snapshot(await db.Authorities.AsNoTracking().Include(a => a.Keys).OrderBy(a => a.Id).ToListAsync());
        }
        var e = await Assert.ThrowsAsync<AuthorityRegistryException>(() => f.WithAsync(change));
        Assert.Contains(e.Errors, x => x.Field == field && (messagePart is null || x.Message.Contains(messagePart, StringComparison.Ordinal)));
        Assert.Equal(ledgerBefore, f.Ledger.Size());
        await using (var db = f.Store.Store.CreateContext())
        {
            Assert.Equal(before, Snapshot(await db.Authorities.AsNoTracking().Include(a => a.Keys).OrderBy(a => a.Id).ToListAsync()));
        }
    }

    private static string Snapshot(List<Authority> all) => string.Join("|", all.Select(a =>
        AuthorityRegistry.Describe(a) + a.DisabledAt + string.Join(",", a.Keys.Select(k => k.KeyId + k.RevokedAt))));

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Create_normalises_fields_and_every_change_is_in_the_ledger_without_key_material(string provider)
    {
        await using var f = await Fixture.CreateAsync(provider);
        var created = await f.WithAsync(r => r.CreateAsync(Valid(), "lo@example.org", "legal_officer", CancellationToken.None));
        Assert.Equal(("GB", AuthorityKind.Police), (created.CountryCode, created.Kind));
        Assert.Equal([LegalInstrument.GenericLegalProcess, LegalInstrument.EmergencyDisclosureRequest], created.Instruments);
        Assert.Equal(["+442071234567"], created.CallbackNumbers);

        var ec = AuthorityKit.EcPublicKeyPem();
        var key = await f.WithAsync(r => r.AddJwsKeyAsync("gb-example-police", "kid-1", "es256", ec, null, null, "lo@example.org", "legal_officer", CancellationToken.None));
        Assert.Equal(("ES256", Now, Now.AddYears(1)), (key.Algorithm, key.NotBefore, key.NotAfter));
        await f.WithAsync(r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-rsa", "PS256", AuthorityKit.RsaPublicKeyPem(), Now, Now.AddDays(30), "lo", "legal_officer", CancellationToken.None));
        await f.WithAsync(r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-ed", "EdDSA", AuthorityKit.Ed25519PublicKeyPem(), null, null, "lo", "legal_officer", CancellationToken.None));
        var certPem = AuthorityKit.RsaCertificatePem(Now.AddDays(-1), Now.AddDays(90));
        var cert = await f.WithAsync(r => r.AddClientCertificateAsync("GB-EXAMPLE-POLICE", certPem, "lo", "legal_officer", CancellationToken.None));
        Assert.Equal(AuthorityKit.Sha256OfCertificate(certPem), cert.KeyId);
        Assert.Equal(AuthorityKeyKind.ClientCertificate, cert.Kind);
        Assert.True(await f.WithAsync(r => r.AddCallbackNumberAsync("GB-EXAMPLE-POLICE", "+33 1 42 68 53 00", "lo", "legal_officer", CancellationToken.None)));
        Assert.False(await f.WithAsync(r => r.AddCallbackNumberAsync("GB-EXAMPLE-POLICE", "+33142685300", "lo", "legal_officer", CancellationToken.None)));
        var encryption = AuthorityKit.RsaCertificatePem(Now.AddDays(-1), Now.AddDays(365), 3072);
        await f.WithAsync(r => r.SetEncryptionCertificateAsync("GB-EXAMPLE-POLICE", encryption, "lo", "legal_officer", CancellationToken.None));
        await f.WithAsync(r => r.UpdateAsync("GB-EXAMPLE-POLICE", new AuthorityInput(Name: "Example Police Service", Instruments: ["LEGAL", "EDR", "UKUS-OPO"]), "lo", "legal_officer", CancellationToken.None));
        Assert.True(await f.WithAsync(r => r.RevokeKeyAsync("kid-1", "rotated", "lo", "legal_officer", CancellationToken.None)));
        Assert.False(await f.WithAsync(r => r.RevokeKeyAsync("kid-1", "again", "lo", "legal_officer", CancellationToken.None)));
        Assert.True(await f.WithAsync(r => r.DisableAsync("GB-EXAMPLE-POLICE", "withdrawn by the ministry", "lo", "legal_officer", CancellationToken.None)));

        var stored = await f.WithAsync(r => r.FindAsync("GB-EXAMPLE-POLICE", CancellationToken.None));
        Assert.NotNull(stored);
        Assert.Equal("Example Police Service", stored.Name);
        Assert.Equal(3, stored.Instruments.Count);
        Assert.Equal(["+442071234567", "+33142685300"], stored.CallbackNumbers);
        Assert.NotNull(stored.EncryptionCertificatePem);
        Assert.Equal(Now, stored.DisabledAt);
        Assert.False(stored.Keys.Single(k => k.KeyId == "kid-1").IsValidAt(Now));
        Assert.Equal("rotated", stored.Keys.Single(k => k.KeyId == "kid-1").RevocationReason);

        var events = f.Events();
        Assert.Equal(
            [AuthorityRegistry.ActionCreated, AuthorityRegistry.ActionKeyAdded, AuthorityRegistry.ActionKeyAdded, AuthorityRegistry.ActionKeyAdded, AuthorityRegistry.ActionKeyAdded,
             AuthorityRegistry.ActionCallbackAdded, AuthorityRegistry.ActionEncryptionCertificateSet, AuthorityRegistry.ActionUpdated, AuthorityRegistry.ActionKeyRevoked,
             AuthorityRegistry.ActionDisabled],
            events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal(new LedgerSubject("authority", "GB-EXAMPLE-POLICE"), e.Subject));
        Assert.Equal(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(stored.Keys.Single(k => k.KeyId == "kid-1").Pem)), events[1].PayloadSha256);
        foreach (var e in events)
        {
            Assert.DoesNotContain("BEGIN", e.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(ec.Split('\n')[1].Trim(), e.Reason, StringComparison.Ordinal);
        }
        Assert.Contains("before: name=Example Police;", events[7].Reason, StringComparison.Ordinal);
        Assert.Contains("after: name=Example Police Service;", events[7].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Every_bad_input_is_refused_naming_its_field_and_writes_nothing(string provider)
    {
        await using var f = await Fixture.CreateAsync(provider);
        await f.WithAsync(r => r.CreateAsync(Valid(), "lo", "legal_officer", CancellationToken.None));
        await f.WithAsync(r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-1", "ES256", AuthorityKit.EcPublicKeyPem(), null, null, "lo", "legal_officer", CancellationToken.None));
        const string lo = "legal_officer";
        var none = CancellationToken.None;

        // Creation: each bad field named.
        await RefusedAsync(f, "code", r => r.CreateAsync(Valid(), "lo", lo, none), "already exists");
        await RefusedAsync(f, "code", r => r.CreateAsync(Valid("bad code!"), "lo", lo, none));
        await RefusedAsync(f, "country", r => r.CreateAsync(Valid("X1") with { CountryCode = "XX" }, "lo", lo, none), "ISO 3166-1");
        await RefusedAsync(f, "kind", r => r.CreateAsync(Valid("X1") with { Kind = "army" }, "lo", lo, none));
        await RefusedAsync(f, "instruments[1]", r => r.CreateAsync(Valid("X1") with { Instruments = ["LEGAL", "WARRANT"] }, "lo", lo, none), "unknown instrument 'WARRANT'");
        await RefusedAsync(f, "instruments", r => r.CreateAsync(Valid("X1") with { Instruments = [] }, "lo", lo, none));
        await RefusedAsync(f, "callback_numbers[0]", r => r.CreateAsync(Valid("X1") with { CallbackNumbers = ["12345"] }, "lo", lo, none), "'12345'");
        await RefusedAsync(f, "referral_endpoint", r => r.CreateAsync(Valid("X1") with { ReferralEndpoint = "http://referrals.example.org/in" }, "lo", lo, none), "https");
        await RefusedAsync(f, "referral_endpoint", r => r.CreateAsync(Valid("X1") with { ReferralEndpoint = "not a url" }, "lo", lo, none));
        await RefusedAsync(f, "encryption_certificate", r => r.CreateAsync(Valid("X1") with { EncryptionCertificatePem = "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----" }, "lo", lo, none));
        await RefusedAsync(f, "encryption_certificate", r => r.CreateAsync(Valid("X1") with { EncryptionCertificatePem = AuthorityKit.RsaCertificatePem(Now.AddDays(-1), Now.AddDays(30), 1024) }, "lo", lo, none), "1024 bits");
        await RefusedAsync(f, "encryption_certificate", r => r.CreateAsync(Valid("X1") with { EncryptionCertificatePem = AuthorityKit.RsaCertificatePem(Now.AddDays(-60), Now.AddDays(-1)) }, "lo", lo, none), "expired");
        await RefusedAsync(f, "encryption_certificate", r => r.CreateAsync(Valid("X1") with { EncryptionCertificatePem = AuthorityKit.EcCertificatePem(Now.AddDays(-1), Now.AddDays(30)) }, "lo", lo, none), "needs RSA");
        // An update with one bad field changes none of the good ones either.
        await RefusedAsync(f, "callback_numbers[1]", r => r.UpdateAsync("GB-EXAMPLE-POLICE", new AuthorityInput(Name: "Renamed", CallbackNumbers: ["+442071234567", "call me"]), "lo", lo, none));
        await RefusedAsync(f, "callback_number", r => r.AddCallbackNumberAsync("GB-EXAMPLE-POLICE", "+1 555", "lo", lo, none));
        await RefusedAsync(f, "code", r => r.UpdateAsync("NO-SUCH", new AuthorityInput(Name: "x"), "lo", lo, none), "no authority");

        // Keys.
        await RefusedAsync(f, "key_id", r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-1", "ES256", AuthorityKit.EcPublicKeyPem(), null, null, "lo", lo, none), "already registered");
        await RefusedAsync(f, "pem", r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-2", "ES256", "not a pem", null, null, "lo", lo, none), "not PEM");
        await RefusedAsync(f, "pem", r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-2", "ES256", AuthorityKit.RsaPublicKeyPem(), null, null, "lo", lo, none), "EC P-256");
        await RefusedAsync(f, "pem", r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-2", "ES256", AuthorityKit.EcPublicKeyPem(System.Security.Cryptography.ECCurve.NamedCurves.nistP384), null, null, "lo", lo, none), "EC P-256");
        await RefusedAsync(f, "pem", r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-2", "RS256", AuthorityKit.RsaPublicKeyPem(1024), null, null, "lo", lo, none), "1024 bits");
        await RefusedAsync(f, "pem", r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-2", "EdDSA", AuthorityKit.EcPublicKeyPem(), null, null, "lo", lo, none), "Ed25519");
        await RefusedAsync(f, "pem", r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-2", "ES256", AuthorityKit.RsaCertificatePem(Now, Now.AddDays(1)), null, null, "lo", lo, none), "expected a PUBLIC KEY");
        await RefusedAsync(f, "algorithm", r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-2", "HS256", AuthorityKit.EcPublicKeyPem(), null, null, "lo", lo, none));
        await RefusedAsync(f, "not_after", r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid-2", "ES256", AuthorityKit.EcPublicKeyPem(), Now, Now.AddDays(-1), "lo", lo, none));
        await RefusedAsync(f, "key_id", r => r.AddJwsKeyAsync("GB-EXAMPLE-POLICE", "kid with spaces", "ES256", AuthorityKit.EcPublicKeyPem(), null, null, "lo", lo, none));
        await RefusedAsync(f, "pem", r => r.AddClientCertificateAsync("GB-EXAMPLE-POLICE", AuthorityKit.RsaCertificatePem(Now.AddDays(-60), Now.AddDays(-1)), "lo", lo, none), "expired");
        await RefusedAsync(f, "pem", r => r.AddClientCertificateAsync("GB-EXAMPLE-POLICE", AuthorityKit.EcPublicKeyPem(), "lo", lo, none), "expected a CERTIFICATE");
        await RefusedAsync(f, "key_id", r => r.RevokeKeyAsync("kid-unknown", "lost", "lo", lo, none));
        await RefusedAsync(f, "reason", r => r.RevokeKeyAsync("kid-1", " ", "lo", lo, none));
        await RefusedAsync(f, "reason", r => r.DisableAsync("GB-EXAMPLE-POLICE", "", "lo", lo, none));

        // A duplicate client certificate is refused by its SHA-256 key id.
        var cert = AuthorityKit.RsaCertificatePem(Now.AddDays(-1), Now.AddDays(30));
        await f.WithAsync(r => r.AddClientCertificateAsync("GB-EXAMPLE-POLICE", cert, "lo", lo, none));
        await RefusedAsync(f, "pem", r => r.AddClientCertificateAsync("GB-EXAMPLE-POLICE", cert, "lo", lo, none), "already registered");
        Assert.Equal(3, f.Ledger.Size());
    }

    [Theory]
    [InlineData("https://referrals.example.org/in", "https://referrals.example.org/in")]
    [InlineData("http://127.0.0.1:8080/hook", "http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook", "http://localhost/hook")]
    [InlineData("http://[::1]/hook", "http://[::1]/hook")]
    [InlineData("http://example.org/hook", null)]
    [InlineData("ftp://example.org/hook", null)]
    [InlineData("https://user:pw@example.org/hook", null)]
    [InlineData("/relative", null)]
    public void Referral_endpoints_are_https_or_loopback_http(string raw, string? expected) =>
        Assert.Equal(expected, AuthorityValidation.ReferralEndpoint(raw, out _));

    [Theory]
    [InlineData("gb", "GB")]
    [InlineData("EU", "EU")]
    [InlineData("de", "DE")]
    [InlineData("UK", null)]
    [InlineData("GBR", null)]
    [InlineData("", null)]
    public void Countries_are_iso_3166_alpha_2_or_eu(string raw, string? expected) =>
        Assert.Equal(expected, AuthorityValidation.Country(raw, out _));
}
