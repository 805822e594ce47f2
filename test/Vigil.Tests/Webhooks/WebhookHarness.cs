using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vigil.Ledger;
using Vigil.Platforms;
using Vigil.Storage;
using Vigil.Tests.Support;
using Vigil.Webhooks;

namespace Vigil.Tests.Webhooks;

/// <summary>
/// A webhook dispatcher over a fresh store, with a fake clock and captured logs, driven step by step with
/// <see cref="WebhookDispatcher.RunOnceAsync"/> instead of its background loop.
/// </summary>
internal sealed class WebhookHarness : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly TestStore? owned;

    private WebhookHarness(VigilStore store, TestStore? owned, Action<WebhookOptions>? configure)
    {
        Store = store;
        this.owned = owned;
        var s = new ServiceCollection();
        s.AddSingleton<TimeProvider>(Time);
        s.AddSingleton(store);
        s.AddSingleton(_ => LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = Time }));
        s.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        s.AddDataProtection().PersistToDataFolder(store.DataDirectory);
        s.AddWebhooks(o =>
        {
            o.MaxAttempts = 5;
            configure?.Invoke(o);
        });
        services = s.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    public CapturedLogs Logs { get; } = new();

    public VigilStore Store { get; }

    public LedgerLog Ledger => services.GetRequiredService<LedgerLog>();

    public WebhookMetrics Metrics => services.GetRequiredService<WebhookMetrics>();

    public WebhookDispatcher Dispatcher => services.GetRequiredService<WebhookDispatcher>();

    public IDataProtectionProvider DataProtection => services.GetRequiredService<IDataProtectionProvider>();

    public static async Task<WebhookHarness> CreateAsync(string provider, Action<WebhookOptions>? configure = null)
    {
        var store = await TestStore.CreateAsync(provider);
        await (await store.Store.OpenAsync(CancellationToken.None)).DisposeAsync();
        return new WebhookHarness(store.Store, store, configure);
    }

    /// <summary>Over an existing data folder (one the CLI wrote), which the caller owns.</summary>
    public static WebhookHarness Over(VigilStore store, DateTimeOffset now)
    {
        var h = new WebhookHarness(store, null, null);
        h.Time.SetUtcNow(now);
        return h;
    }

    /// <summary>Registers a platform and, when <paramref name="url"/> is given, its webhook; returns its id and signing secret.</summary>
    public async Task<(long Id, string? Secret)> PlatformAsync(string name, Uri? url)
    {
        await using var db = Store.CreateContext();
        await new PlatformKeys(db, Ledger, Time).CreatePlatformAsync(name, "test", "operator", CancellationToken.None);
        string? secret = null;
        if (url is not null)
        {
            secret = (await new PlatformWebhooks(db, Ledger, DataProtection, Time).SetAsync(name, url.ToString(), "test", "operator", CancellationToken.None)).Secret;
        }
        return (await db.Platforms.Where(p => p.Name == name).Select(p => p.Id).SingleAsync(), secret);
    }

    public async Task<long> EnqueueAsync(long platformId, string eventType, object payload)
    {
        await using var db = Store.CreateContext();
        var m = Outbox.Enqueue(db, platformId, eventType, payload, Time.GetUtcNow());
        await db.SaveChangesAsync();
        return m.Id;
    }

    public async Task<OutboxMessage> MessageAsync(long id)
    {
        await using var db = Store.CreateContext();
        return await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    public IReadOnlyList<LedgerEntry> LedgerEntries() =>
        [.. Enumerable.Range(0, (int)Ledger.Size()).Select(i => Ledger.ReadEntry(i))];

    /// <summary>Everything a secret must never appear in: logs, ledger entries, and the raw platform rows.</summary>
    public async Task<string> EverythingRecordedAsync()
    {
        var sb = new StringBuilder();
        sb.AppendJoin('\n', Logs.Lines);
        foreach (var e in LedgerEntries())
        {
            sb.Append('\n').Append(Encoding.UTF8.GetString(e.CanonicalJson));
        }
        await using var db = Store.CreateContext();
        foreach (var p in await db.Platforms.AsNoTracking().ToListAsync())
        {
            sb.Append('\n').Append(p.WebhookSecret).Append('\n').Append(p.WebhookPreviousSecret);
        }
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        if (owned is not null)
        {
            await owned.DisposeAsync();
        }
    }
}

/// <summary>Every log line and exception text written, for checks that secrets never reach the logs.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyList<string> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
