using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Pipeline;
using Vigil.Referrals;
using Vigil.Signing;
using Vigil.Storage;

namespace Vigil.Demo;

/// <summary>
/// A stand-in authority's referral endpoint on loopback: Kestrel on 127.0.0.1 with a free port. It decrypts the
/// package with its own key when encrypted, checks the CMS signature against the platform's certificate and answers
/// <c>{"receipt_id": ...}</c>; a referral sent again (same <c>Vigil-Referral-Id</c>) gets the same receipt.
/// </summary>
public sealed class StandInAuthority : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, string> receipts = new(StringComparer.Ordinal);
    private int requests;

    private StandInAuthority(WebApplication app, Uri endpoint, X509Certificate2 encryption)
    {
        this.app = app;
        Endpoint = endpoint;
        EncryptionCertificate = encryption;
    }

    /// <summary>The URL to register as the authorities' referral endpoint.</summary>
    public Uri Endpoint { get; }

    /// <summary>The certificate (with its private key) packages are encrypted to.</summary>
    public X509Certificate2 EncryptionCertificate { get; }

    /// <summary>Receipts issued, by referral id.</summary>
    public IReadOnlyDictionary<string, string> Receipts => receipts;

    /// <summary>Requests received, repeats and refusals included.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Starts the endpoint; packages must be signed by <paramref name="platformCertificate"/>.</summary>
    public static async Task<StandInAuthority> StartAsync(X509Certificate2 platformCertificate, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(platformCertificate);
        var encryption = CreateEncryptionCertificate(time.GetUtcNow());
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        StandInAuthority? self = null;
        app.MapPost("/referrals", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref self!.requests);
            var id = ctx.Request.Headers[ReferralDispatcher.ReferralIdHeader].ToString();
            using var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted);
            if (id.Length == 0)
            {
                return Results.BadRequest(new { error = "Vigil-Referral-Id header missing" });
            }
            try
            {
                Open(body.ToArray(), encryption, platformCertificate);
            }
            catch (CryptographicException e)
            {
                return Results.UnprocessableEntity(new { error = "package refused: " + e.Message });
            }
            var receipt = self.receipts.GetOrAdd(id, _ => "DEMO-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)));
            return Results.Json(new Dictionary<string, string> { ["receipt_id"] = receipt });
        });
        await app.StartAsync(ct);
        self = new StandInAuthority(app, new Uri(new Uri(app.Urls.Single()), "/referrals"), encryption);
        return self;
    }

    /// <summary>
    /// Opens a package: decrypts it with <paramref name="decryption"/> when it is EnvelopedData, checks the SignedData
    /// signature and that <paramref name="platformCertificate"/> made it, and returns the JSON inside.
    /// </summary>
    public static byte[] Open(byte[] package, X509Certificate2? decryption, X509Certificate2 platformCertificate)
    {
        ArgumentNullException.ThrowIfNull(platformCertificate);
        var signedBytes = package;
        if (decryption is not null && ContentInfo.GetContentType(package).Value == "1.2.840.113549.1.7.3")
        {
            var enveloped = new EnvelopedCms();
            enveloped.Decode(package);
            enveloped.Decrypt(new X509Certificate2Collection(decryption));
            signedBytes = enveloped.ContentInfo.Content;
        }
        var signed = new SignedCms();
        signed.Decode(signedBytes);
        signed.CheckSignature(verifySignatureOnly: true);
        if (signed.SignerInfos.Count != 1 || signed.SignerInfos[0].Certificate?.Thumbprint != platformCertificate.Thumbprint)
        {
            throw new CryptographicException("not signed by the platform's certificate");
        }
        return signed.ContentInfo.Content;
    }

    private static X509Certificate2 CreateEncryptionCertificate(DateTimeOffset now)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Vigil demo stand-in authority", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, true));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        EncryptionCertificate.Dispose();
    }
}

/// <summary>
/// <c>vigil demo</c>'s referral part: stand-in authorities for the countries the demo's threats name (and Europol),
/// all pointing at one <see cref="StandInAuthority"/>, registered before the traffic; after it, a check that every
/// threat referral was acknowledged, with the end-to-end p50/p99.
/// </summary>
public static class DemoReferrals
{
    /// <summary>The countries whose threats the demo refers to a national stand-in (others go to the state of establishment).</summary>
    public static readonly IReadOnlyList<string> Countries = ["AT", "BE", "DE", "FR", "IE", "IT", "NL", "SE"];

    /// <summary>How long the check waits for acknowledgements.</summary>
    public static readonly TimeSpan AcknowledgementWait = TimeSpan.FromSeconds(60);

    private const string Actor = "vigil demo";
    private const string ActorRole = "operator";

    /// <summary>Starts the stand-in endpoint (stopped with <paramref name="app"/>) and registers the stand-in authorities.</summary>
    public static async Task StartAsync(WebApplication app, VigilStore store, TimeProvider time, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        var signing = app.Services.GetRequiredService<PlatformSigning>();
        var standIn = await StandInAuthority.StartAsync(signing.Certificate, time, ct);
        app.Lifetime.ApplicationStopped.Register(() => standIn.DisposeAsync().AsTask().GetAwaiter().GetResult());
        var pem = standIn.EncryptionCertificate.ExportCertificatePem();
        var now = time.GetUtcNow();
        var events = new List<LedgerEvent>();
        await using var db = store.CreateContext();
        foreach (var (code, country, kind) in Countries.Select(c => ($"DEMO-{c}-POLICE", c, AuthorityKind.Police)).Append(("DEMO-EUROPOL", "EU", AuthorityKind.Europol)))
        {
            // A re-run finds its authorities and points them at this run's endpoint and key.
            var a = await db.Authorities.FirstOrDefaultAsync(x => x.Code == code, ct);
            if (a is null)
            {
                a = new Authority { Code = code, CountryCode = country, Name = $"Demo stand-in {(kind == AuthorityKind.Europol ? "Europol" : country + " police")}", Kind = kind, CreatedAt = now };
                db.Authorities.Add(a);
            }
            a.ReceivesReferrals = true;
            a.ReferralEndpoint = standIn.Endpoint.ToString();
            a.EncryptionCertificatePem = pem;
            a.DisabledAt = null;
            a.UpdatedAt = now;
            events.Add(new LedgerEvent(Actor, ActorRole, "authority.referral_endpoint_set", new LedgerSubject("authority", code),
                "demo: stand-in authority on loopback", LedgerEvent.HashPayload(System.Text.Encoding.UTF8.GetBytes(a.ReferralEndpoint))));
        }
        await db.SaveChangesAsync(ct);
        await app.Services.GetRequiredService<LedgerLog>().AppendBatchAsync(events, ct);
        await output.WriteLineAsync($"   stand-in authorities for {string.Join(", ", Countries)} and Europol receive referrals at {standIn.Endpoint} (packages encrypted to its key and signed by {signing.CertificatePath})");
    }

    /// <summary>The post-traffic check: every referral of the demo's items acknowledged; its detail gives the end-to-end p50/p99.</summary>
    public static async Task<DemoCheck> ThreatReferralsAcknowledgedAsync(DemoTrafficOutcome o, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        var ids = o.ItemIds.ToList();
        var items = await o.Db.IngestItems.AsNoTracking().Where(i => i.PlatformId == o.PlatformId && ids.Contains(i.ItemId)).Select(i => i.Id).ToListAsync(ct);
        var started = System.Diagnostics.Stopwatch.StartNew();
        List<Referral> referrals;
        do
        {
            o.Db.ChangeTracker.Clear();
            referrals = await o.Db.Referrals.AsNoTracking().Where(r => items.Contains(r.IngestItemId)).ToListAsync(ct);
            if (referrals.All(r => r.State is ReferralState.Acknowledged or ReferralState.Dead or ReferralState.NoAuthority))
            {
                break;
            }
            await Task.Delay(200, ct);
        }
        while (started.Elapsed < AcknowledgementWait);
        var acknowledged = referrals.Where(r => r.State == ReferralState.Acknowledged).ToList();
        var e2e = acknowledged.Where(r => r.EndToEndMs is not null).Select(r => r.EndToEndMs!.Value).Order().ToList();
        var p50 = Bench.Percentiles.NearestRank(e2e, 0.5);
        var p99 = Bench.Percentiles.NearestRank(e2e, 0.99);
        return new DemoCheck("every threat referral is delivered to its authority and acknowledged",
            referrals.Count > 0 && acknowledged.Count == referrals.Count,
            string.Create(CultureInfo.InvariantCulture, $"{acknowledged.Count} of {referrals.Count} acknowledged; end to end from arrival p50 {p50:0} ms, p99 {p99:0} ms"));
    }
}
