using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Authorities;
using Vigil.Hi1;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Hi1;

/// <summary>HI-1 over mutual TLS: the real server on https://127.0.0.1, an authority authenticated by its registered client certificate.</summary>
public sealed class Hi1MutualTlsTests
{
    private const string Gb = Hi1Server.Gb;

    private static X509Certificate2 Certificate(string subject, DateTimeOffset from, DateTimeOffset to, bool server = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }
        using var cert = request.CreateSelfSigned(from, to);
        // Through PKCS#12 so TLS can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    private sealed class TlsServer(TestStore store, WebApplication app, Uri address, X509Certificate2 serverCertificate) : IAsyncDisposable
    {
        public TestStore Store { get; } = store;

        public LedgerLog Ledger => app.Services.GetRequiredService<LedgerLog>();

        public HttpClient Client(X509Certificate2? clientCertificate)
        {
            var handler = new HttpClientHandler
            {
                ClientCertificateOptions = ClientCertificateOption.Manual,
                // Trust exactly the test server's certificate.
                ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.RawData.AsSpan().SequenceEqual(serverCertificate.RawData),
            };
            if (clientCertificate is not null)
            {
                handler.ClientCertificates.Add(clientCertificate);
            }
            return new HttpClient(handler) { BaseAddress = address };
        }

        public async Task<(int Status, string Body)> PostAsync(HttpClient client, byte[] body, string contentType)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            using var response = await client.PostAsync(new Uri(Hi1Endpoints.Route, UriKind.Relative), content);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        public async Task<int> OrderCountAsync()
        {
            await using var db = Store.Store.CreateContext();
            return await db.LegalOrders.CountAsync();
        }

        public LedgerEntry Last() => Ledger.ReadEntry(Ledger.Size() - 1);

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            serverCertificate.Dispose();
            await Store.DisposeAsync();
        }
    }

    private static async Task<TlsServer> StartAsync(string provider)
    {
        var now = TimeProvider.System.GetUtcNow();
        var store = await TestStore.CreateAsync(provider);
        var serverCertificate = Certificate("CN=vigil.test", now.AddDays(-1), now.AddDays(30), server: true);
        var app = await VigilServer.BuildAsync(store.Store, "https://127.0.0.1:0", TimeProvider.System, serverCertificate, CancellationToken.None);
        await app.StartAsync();
        var address = new Uri(VigilServer.Addresses(app).Single());
        Assert.Equal("https", address.Scheme);
        return new TlsServer(store, app, address, serverCertificate);
    }

    private static byte[] Order(DateTimeOffset at, Hi1Encoding encoding = Hi1Encoding.Json, string sender = Gb) =>
        Hi1Codec.Write(Hi1Requests.Create(Hi1Server.GbOrder() with { Sender = sender }, at), encoding);

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_registered_client_certificate_authenticates_unsigned_messages_and_every_other_certificate_or_replay_is_refused(string provider)
    {
        await using var s = await StartAsync(provider);
        var now = TimeProvider.System.GetUtcNow();
        using var registered = Certificate("CN=GB example police HI-1 client", now.AddDays(-1), now.AddDays(365));
        using var stranger = Certificate("CN=someone else", now.AddDays(-1), now.AddDays(365));
        string kid;
        await using (var db = s.Store.Store.CreateContext())
        {
            db.Authorities.Add(new Authority
            {
                Code = Gb, CountryCode = "GB", Name = "Example police", Kind = AuthorityKind.Police,
                Instruments = [LegalInstrument.GenericLegalProcess], CreatedAt = now, UpdatedAt = now,
            });
            await db.SaveChangesAsync();
            var key = await new AuthorityRegistry(db, s.Ledger, TimeProvider.System).AddClientCertificateAsync(Gb, registered.ExportCertificatePem(), "officer", "legal_officer", CancellationToken.None);
            kid = key.KeyId;
        }
        Assert.Equal(Hi1Intake.CertificateKeyId(registered), kid);
        using var client = s.Client(registered);

        // JSON and XML messages, unsigned, over the registered certificate: orders under review, the certificate as the actor.
        var json = Order(now);
        var created = await s.PostAsync(client, json, "application/json");
        Assert.True(created.Status == 200, created.Body);
        Assert.Empty(Hi1Server.Codes(created.Body));
        var xml = await s.PostAsync(client, Order(now, Hi1Encoding.Xml), "application/xml; charset=utf-8");
        Assert.True(xml.Status == 200, xml.Body);
        Assert.Equal(2, await s.OrderCountAsync());
        await using (var db = s.Store.Store.CreateContext())
        {
            var order = await db.LegalOrders.Include(o => o.Transitions).OrderBy(o => o.Id).FirstAsync();
            Assert.Equal(kid, order.SubmittedBy);
            Assert.Equal(OrderState.UnderReview, order.State);
            Assert.Equal($"mutual TLS with client certificate {kid}", order.Transitions.Single(t => t.To == OrderState.Authenticated).Reason);
        }
        var received = Enumerable.Range(0, (int)s.Ledger.Size()).Select(i => s.Ledger.ReadEntry(i).Event).Where(e => e.Action == Hi1Intake.OrderReceived).ToList();
        Assert.Equal(2, received.Count);
        Assert.All(received, e => Assert.Equal(kid, e.Actor));

        async Task RefusedAsync(HttpClient c, byte[] body, string contentType, int status, string code)
        {
            var before = (await s.OrderCountAsync(), s.Ledger.Size());
            var r = await s.PostAsync(c, body, contentType);
            Assert.True(r.Status == status, $"{code}: {r.Status} {r.Body}");
            Assert.Contains(code, Hi1Server.Codes(r.Body));
            Assert.Equal(before.Item1, await s.OrderCountAsync());
            Assert.Equal(before.Item2 + 1, s.Ledger.Size());
            Assert.Equal(Hi1Intake.Refused, s.Last().Event.Action);
            Assert.StartsWith(code, s.Last().Event.Reason, StringComparison.Ordinal);
        }

        // The same message again: its TransactionIdentifier is the nonce.
        await RefusedAsync(client, json, "application/json", 401, "replay");
        // Too old a Timestamp.
        await RefusedAsync(client, Order(now.AddMinutes(-10)), "application/json", 401, "clock_skew");
        // In the name of another authority.
        await RefusedAsync(client, Order(now, sender: "DE-TEST-BKA"), "application/json", 403, "key_authority_mismatch");
        // No certificate, or one nobody registered.
        using (var anonymous = s.Client(null))
        {
            await RefusedAsync(anonymous, Order(now), "application/json", 401, "client_certificate_missing");
        }
        using (var other = s.Client(stranger))
        {
            await RefusedAsync(other, Order(now), "application/json", 401, "certificate_unknown");
        }
        // Revoked: refused from the next request on.
        await using (var db = s.Store.Store.CreateContext())
        {
            Assert.True(await new AuthorityRegistry(db, s.Ledger, TimeProvider.System).RevokeKeyAsync(kid, "key compromised", "officer", "legal_officer", CancellationToken.None));
        }
        await RefusedAsync(client, Order(now), "application/json", 401, "key_revoked");
    }
}
