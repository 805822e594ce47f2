using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vigil.Authorities;
using Vigil.Ingest;
using Vigil.Ledger;
using Vigil.Pipeline;
using Vigil.Platforms;
using Vigil.Referrals;
using Vigil.Signing;
using Vigil.Storage;
using Vigil.Tests.Support;

namespace Vigil.Tests.Referrals;

/// <summary>
/// Referral dispatchers over a fresh store with a fake clock, driven step by step with
/// <see cref="ReferralDispatcher.RunOnceAsync"/>, and helpers that create what a referral needs.
/// </summary>
internal sealed class ReferralHarness : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly TestStore owned;

    private ReferralHarness(TestStore store, Action<ReferralOptions>? configure)
    {
        owned = store;
        services = Build(store.Store, configure);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    public VigilStore Store => owned.Store;

    public LedgerLog Ledger => services.GetRequiredService<LedgerLog>();

    public ReferralDispatcher Dispatcher => services.GetRequiredService<ReferralDispatcher>();

    public ReferralMetrics Metrics => services.GetRequiredService<ReferralMetrics>();

    public PlatformSigning Signing => services.GetRequiredService<PlatformSigning>();

    public static async Task<ReferralHarness> CreateAsync(string provider, Action<ReferralOptions>? configure = null)
    {
        var store = await TestStore.CreateAsync(provider);
        await (await store.Store.OpenAsync(CancellationToken.None)).DisposeAsync();
        return new ReferralHarness(store, configure);
    }

    /// <summary>A second, independent dispatcher on the same store (another node), sharing this harness's clock and ledger.</summary>
    public ReferralDispatcher SecondDispatcher(Action<ReferralOptions>? configure = null)
    {
        var s = Services(Store, configure);
        s.AddSingleton(Ledger);
        var sp = s.BuildServiceProvider();
        extra.Add(sp);
        return sp.GetRequiredService<ReferralDispatcher>();
    }

    private readonly List<ServiceProvider> extra = [];

    private ServiceProvider Build(VigilStore store, Action<ReferralOptions>? configure)
    {
        var s = Services(store, configure);
        s.AddSingleton(_ => LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = Time }));
        return s.BuildServiceProvider();
    }

    private ServiceCollection Services(VigilStore store, Action<ReferralOptions>? configure)
    {
        var s = new ServiceCollection();
        s.AddSingleton<TimeProvider>(Time);
        s.AddSingleton(store);
        s.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        s.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        s.AddReferrals(o =>
        {
            o.MaxAttempts = 4;
            configure?.Invoke(o);
        });
        return s;
    }

    public async Task<long> PlatformAsync(string name = "p1")
    {
        await using var db = Store.CreateContext();
        await new PlatformKeys(db, Ledger, Time).CreatePlatformAsync(name, "test", "operator", CancellationToken.None);
        return await db.Platforms.Where(p => p.Name == name).Select(p => p.Id).SingleAsync();
    }

    public async Task<IngestItem> ItemAsync(long platformId, string itemId, string? text, string account = "acct-1", bool e2ee = false, byte[]? image = null, string? metadata = null, DateTimeOffset? receivedAt = null)
    {
        await using var db = Store.CreateContext();
        var item = new IngestItem
        {
            PlatformId = platformId,
            ItemId = itemId,
            Type = e2ee ? "direct_message" : "post",
            AccountId = account,
            CreatedAt = Time.GetUtcNow().AddSeconds(-5),
            ReceivedAt = receivedAt ?? Time.GetUtcNow(),
            Text = text,
            E2ee = e2ee,
            Image = image,
            ImageSha256 = image is null ? null : SHA256.HashData(image),
            Metadata = metadata,
        };
        db.IngestItems.Add(item);
        await db.SaveChangesAsync();
        return item;
    }

    public static (X509Certificate2 Certificate, string Pem) EncryptionCertificate()
    {
        using var rsa = RSA.Create(2048);
        var req = new CertificateRequest("CN=Test authority", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var cert = req.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(70));
        return (cert, cert.ExportCertificatePem());
    }

    public async Task<Authority> AuthorityAsync(string code, string country, Uri? endpoint, AuthorityKind kind = AuthorityKind.Police, string? encryptionPem = null, bool receives = true)
    {
        await using var db = Store.CreateContext();
        var a = new Authority
        {
            Code = code,
            CountryCode = country,
            Name = code + " name",
            Kind = kind,
            ReferralEndpoint = endpoint?.ToString(),
            ReceivesReferrals = receives,
            EncryptionCertificatePem = encryptionPem,
            CreatedAt = Time.GetUtcNow(),
            UpdatedAt = Time.GetUtcNow(),
        };
        db.Authorities.Add(a);
        await db.SaveChangesAsync();
        return a;
    }

    /// <summary>A referral as the pipeline's refer action writes it.</summary>
    public async Task<long> ReferralAsync(IngestItem item, string? country, string reason = "threat to life", string? rule = "threat-to-life")
    {
        await using var db = Store.CreateContext();
        var r = new Referral
        {
            PlatformId = item.PlatformId,
            IngestItemId = item.Id,
            AuthorityCountry = country,
            Reason = reason,
            RuleId = rule,
            State = ReferralState.Pending,
            CreatedAt = Time.GetUtcNow(),
        };
        db.Referrals.Add(r);
        await db.SaveChangesAsync();
        return r.Id;
    }

    public async Task<Referral> GetAsync(long id)
    {
        await using var db = Store.CreateContext();
        return await db.Referrals.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    /// <summary>Closes the harness's ledger so that a server can open the data folder's ledger.</summary>
    public async Task DisposeLedgerAsync() => await services.DisposeAsync();

    public IReadOnlyList<LedgerEntry> LedgerEntries() =>
        [.. Enumerable.Range(0, (int)Ledger.Size()).Select(i => Ledger.ReadEntry(i))];

    public async ValueTask DisposeAsync()
    {
        foreach (var sp in extra)
        {
            await sp.DisposeAsync();
        }
        await services.DisposeAsync();
        await owned.DisposeAsync();
    }
}
