using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Vigil.Banks;
using Vigil.Ingest;
using Vigil.Ledger;
using Vigil.Pipeline;
using Vigil.Platforms;
using Vigil.Storage;
using Vigil.Tests.Support;

namespace Vigil.Tests.Pipeline;

/// <summary>
/// The pipeline without the web server: a fresh store, one platform, the shipped rules (or given ones) in a
/// folder of the test's own, the ledger, and a <see cref="DetectionProcessor"/> on a fake clock. Tests add items
/// and call <see cref="ProcessAsync"/>, so every step is deterministic.
/// </summary>
internal sealed class PipelineKit : IAsyncDisposable
{
    private PipelineKit(TestStore store, long platformId, string rulesFolder, FakeTimeProvider time, LedgerLog ledger, PipelineRules rules, DetectionProcessor processor, PipelineMetrics metrics)
    {
        Store = store;
        PlatformId = platformId;
        RulesFolder = rulesFolder;
        Time = time;
        Ledger = ledger;
        Rules = rules;
        Processor = processor;
        Metrics = metrics;
    }

    public TestStore Store { get; }

    public long PlatformId { get; }

    public string RulesFolder { get; }

    public FakeTimeProvider Time { get; }

    public LedgerLog Ledger { get; }

    public PipelineRules Rules { get; }

    public DetectionProcessor Processor { get; }

    public PipelineMetrics Metrics { get; }

    public static async Task<PipelineKit> CreateAsync(string provider, params (string File, string Yaml)[] rules)
    {
        var store = await TestStore.CreateAsync(provider);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        long platformId;
        await using (var db = await store.Store.OpenAsync(default))
        {
            var platform = new Platform { Name = "chirp", CreatedAt = time.GetUtcNow() };
            db.Platforms.Add(platform);
            await db.SaveChangesAsync();
            platformId = platform.Id;
        }
        var folder = Path.Combine(store.Store.DataDirectory.FullName, "test-rules");
        Directory.CreateDirectory(folder);
        if (rules.Length == 0)
        {
            File.Copy(Path.Combine(Repo.Root, "rules", "terrorism.yaml"), Path.Combine(folder, "terrorism.yaml"));
        }
        foreach (var (file, yaml) in rules)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, file), yaml);
        }
        var ledger = LedgerLog.OpenDataDirectory(store.Store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
        var pipelineRules = new PipelineRules(time, ledger);
        await pipelineRules.StartAsync(folder, watch: false, TimeSpan.Zero, default);
        var metrics = new PipelineMetrics(null);
        var options = new PipelineOptions { BatchSize = 500, BankCheckInterval = TimeSpan.FromSeconds(2) };
        var processor = new DetectionProcessor(store.Store, pipelineRules, options, ledger, metrics, time);
        return new PipelineKit(store, platformId, folder, time, ledger, pipelineRules, processor, metrics);
    }

    public VigilDb Db() => Store.Store.CreateContext();

    public IngestItem Item(string id, string type = "post", string account = "u1", string? text = null, byte[]? image = null, bool e2ee = false, string? metadata = null) => new()
    {
        PlatformId = PlatformId,
        ItemId = id,
        Type = type,
        AccountId = account,
        CreatedAt = Time.GetUtcNow(),
        ReceivedAt = Time.GetUtcNow(),
        Text = text,
        E2ee = e2ee,
        Image = image,
        ImageSha256 = image is null ? null : System.Security.Cryptography.SHA256.HashData(image),
        Metadata = metadata,
    };

    public async Task AddAsync(params IngestItem[] items)
    {
        await using var db = Db();
        db.IngestItems.AddRange(items);
        await db.SaveChangesAsync();
    }

    public Task<BatchOutcome> ProcessAsync() => Processor.ProcessBatchAsync(default);

    /// <summary>Adds a bank (when new) and an entry with labels.</summary>
    public async Task<long> AddBankEntryAsync(string bank, SignalType type, string signal, int severity = 4, string entity = "Example Front", BankKind kind = BankKind.Positive)
    {
        await using var db = Db();
        var b = await db.Banks.SingleOrDefaultAsync(x => x.Name == bank)
            ?? await BankOperations.CreateAsync(db, bank, kind, null, null, Time, default);
        var entry = new BankEntry
        {
            BankId = b.Id,
            SignalType = type,
            Signal = signal,
            Entity = entity,
            Severity = severity,
            FirstSeen = Time.GetUtcNow(),
            UpdatedAt = Time.GetUtcNow(),
        };
        db.BankEntries.Add(entry);
        await db.SaveChangesAsync();
        return entry.Id;
    }

    public async Task<long> ItemRowIdAsync(string itemId)
    {
        await using var db = Db();
        return await db.IngestItems.Where(i => i.ItemId == itemId).Select(i => i.Id).SingleAsync();
    }

    public async Task<List<DecisionRecord>> DecisionsAsync(string itemId)
    {
        var id = await ItemRowIdAsync(itemId);
        await using var db = Db();
        return await db.Decisions.AsNoTracking().Where(d => d.IngestItemId == id).OrderBy(d => d.Id).ToListAsync();
    }

    public IReadOnlyList<LedgerEntry> LedgerEntries()
    {
        var all = new List<LedgerEntry>();
        for (long i = 0; i < Ledger.Size(); i++)
        {
            all.Add(Ledger.ReadEntry(i));
        }
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        Processor.Dispose();
        Rules.Dispose();
        Metrics.Dispose();
        await Ledger.DisposeAsync();
        await Store.DisposeAsync();
    }
}
