using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Hi1;
using Vigil.Ledger;
using Vigil.Tests.Server;

namespace Vigil.Tests.Hi1;

/// <summary>
/// The real server with three registered authorities: GB-EXAMPLE-POLICE (legal process and UK-US orders; ES256,
/// PS256 and EdDSA keys, plus a revoked, an expired, a not-yet-valid key and a client certificate), DE-TEST-BKA
/// (EPOC, EPOC-PR, TCO; ES256) and FR-DISABLED (withdrawn).
/// </summary>
internal sealed partial class Hi1Server : IAsyncDisposable
{
    public const string Gb = "GB-EXAMPLE-POLICE";
    public const string De = "DE-TEST-BKA";
    public const string Fr = "FR-DISABLED";

    private Hi1Server(RunningServer server) => Server = server;

    public RunningServer Server { get; }

    public Dictionary<string, Hi1Signer> Signers { get; } = [];

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The server's clock (the system clock unless a test fixes it).</summary>
    public TimeProvider Time { get; private init; } = TimeProvider.System;

    public static async Task<Hi1Server> StartAsync(string provider, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var (server, _) = await RunningServer.StartAsync(provider, time);
        var s = new Hi1Server(server) { Http = server.Client(), Time = time };
        var now = time.GetUtcNow();
        await using var db = server.Store.Store.CreateContext();
        var gb = Authority(Gb, "GB", [LegalInstrument.GenericLegalProcess, LegalInstrument.UkUsOverseasProductionOrder], now);
        var de = Authority(De, "DE", [LegalInstrument.EuProductionOrder, LegalInstrument.EuPreservationOrder, LegalInstrument.EuTcoRemovalOrder], now);
        var fr = Authority(Fr, "FR", [LegalInstrument.GenericLegalProcess], now);
        fr.DisabledAt = now.AddDays(-1);
        s.Key(gb, "gb-es256", "ES256", now);
        s.Key(gb, "gb-ps256", "PS256", now);
        s.Key(gb, "gb-eddsa", "EdDSA", now);
        s.Key(gb, "gb-revoked", "ES256", now).RevokedAt = now.AddHours(-1);
        var expired = s.Key(gb, "gb-expired", "ES256", now);
        expired.NotBefore = now.AddDays(-400);
        expired.NotAfter = now.AddDays(-1);
        s.Key(gb, "gb-future", "ES256", now).NotBefore = now.AddDays(1);
        // A client certificate's id must not work as a JWS kid even when the signature is made with its key.
        s.Key(gb, "gb-cert", "ES256", now).Kind = AuthorityKeyKind.ClientCertificate;
        s.Key(de, "de-es256", "ES256", now);
        s.Key(fr, "fr-es256", "ES256", now);
        db.Authorities.AddRange(gb, de, fr);
        await db.SaveChangesAsync();
        return s;
    }

    private static Authority Authority(string code, string country, List<LegalInstrument> instruments, DateTimeOffset now) => new()
    {
        Code = code,
        CountryCode = country,
        Name = code,
        Kind = AuthorityKind.Police,
        Instruments = instruments,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private AuthorityKey Key(Authority a, string kid, string alg, DateTimeOffset now)
    {
        var signer = Hi1Signer.Generate(alg, kid);
        Signers[kid] = signer;
        var key = new AuthorityKey
        {
            KeyId = kid,
            Kind = AuthorityKeyKind.JwsPublicKey,
            Algorithm = alg,
            Pem = signer.PublicKeyPem(),
            NotBefore = now.AddDays(-30),
            NotAfter = now.AddDays(365),
            CreatedAt = now,
        };
        a.Keys.Add(key);
        return key;
    }

    public static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    public Hi1Client Client(string kid) => new(Http, Signers[kid], TimeProvider.System);

    public Task<Hi1ClientResponse> PostAsync(string jws) => Hi1Client.PostJwsAsync(Http, jws, CancellationToken.None);

    public Task<Hi1ClientResponse> SendAsync(string kid, Hi1Node message, Hi1Encoding encoding = Hi1Encoding.Json) =>
        Client(kid).SendAsync(message, encoding, CancellationToken.None);

    public async Task<int> OrderCountAsync()
    {
        await using var db = Server.Store.Store.CreateContext();
        return await db.LegalOrders.CountAsync();
    }

    public LedgerEntry LastLedgerEntry() => Server.Ledger.ReadEntry(Server.Ledger.Size() - 1);

    /// <summary>Every Vigil error code in an answer (the <c>Code</c> elements, JSON or XML).</summary>
    public static List<string> Codes(string body) =>
        [.. CodeRegex().Matches(body).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)];

    /// <summary>A simple valid order of GB-EXAMPLE-POLICE (generic legal process, subscriber data of an e-mail address).</summary>
    public static Hi1OrderSpec GbOrder(params Hi1Value[] values) => new(
        "GB", Gb, "ProductionOrder", "PO-" + Guid.NewGuid().ToString("N")[..8],
        [new Hi1TaskSpec("SubscriberData", Now.AddDays(-30), Now.AddDays(-1), values.Length > 0 ? values : [new("ETSI", "EmailAddress", "Suspect@Example.org")])])
    {
        AuthorisedFrom = Now.AddDays(-1),
        AuthorisedTo = Now.AddDays(30),
        Document = "%PDF-1.4 order"u8.ToArray(),
    };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        foreach (var s in Signers.Values)
        {
            s.Dispose();
        }
        await Server.DisposeAsync();
    }

    [GeneratedRegex("\"Code\":\\s*\"([^\"]+)\"|<Code>([^<]+)</Code>")]
    private static partial Regex CodeRegex();
}
