using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vigil.Demo;
using Vigil.Hashing.Pdq;
using Vigil.Ingest;
using Vigil.Ledger;
using Vigil.Pipeline;
using Vigil.Platforms;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Bench;

/// <summary>How <c>vigil bench ingest</c> runs.</summary>
public sealed record IngestBenchOptions
{
    /// <summary>PostgreSQL database for an in-process server; null for SQLite in a fresh temporary folder.</summary>
    public string? Postgres { get; init; }

    /// <summary>Drop everything in the PostgreSQL database's public schema first instead of refusing a non-empty one.</summary>
    public bool Reset { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    public int Clients { get; init; } = 4;

    public int Batch { get; init; } = 200;

    public double ImageShare { get; init; } = 0.2;

    /// <summary>Target events/s over all clients; null sends as fast as the server answers.</summary>
    public double? Rate { get; init; }

    /// <summary>Measure the ingest path only: no accept-to-decision sampling.</summary>
    public bool IngestOnly { get; init; }

    /// <summary>An external <c>vigil serve</c> to drive instead of an in-process server (needs <see cref="Key"/>).</summary>
    public Uri? Target { get; init; }

    public string? Key { get; init; }

    /// <summary>With <see cref="Target"/>: the target's store, to sample accept-to-decision latency; null skips sampling.</summary>
    public VigilStore? TargetStore { get; init; }

    public TimeSpan ReportEvery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Pre-encoded images in the generator's pool (a quarter are bank re-posts).</summary>
    public int ImagePool { get; init; } = 48;

    public int Seed { get; init; } = 1;

    /// <summary>Load the demo's banks into the in-process server first (what the pipeline matches the re-posts against).</summary>
    public bool SeedBanks { get; init; } = true;
}

/// <summary>A benchmark request refused before it runs (bad option, non-empty database); the message says why.</summary>
public sealed class IngestBenchException(string message) : Exception(message)
{
    public IngestBenchException() : this("bad benchmark request") { }

    public IngestBenchException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>Percentiles in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50Ms, double P99Ms, double MaxMs);

/// <summary>First, last and largest value of a memory figure, and its least-squares slope after the first interval.</summary>
public sealed record MemorySummary(double FirstMb, double LastMb, double MaxMb, double SlopeMbPerMinute);

/// <summary>One report interval.</summary>
public sealed record IngestBenchInterval(
    double ElapsedSeconds, double EventsPerSecond, long Accepted, LatencySummary Batches, LatencySummary? Decisions, long? Backlog,
    double WorkingSetMb, double GcHeapMb, double CpuPercent)
{
    /// <summary>Busy share of all cores, every process on the machine counted (PostgreSQL included); null off Linux.</summary>
    public double? MachineCpuPercent { get; init; }

    /// <summary>Seconds this interval lasted.</summary>
    public double Span { get; init; }

    /// <summary>Items the pipeline decided in this interval (0 when decisions are not measured).</summary>
    public long Decided { get; init; }
}

/// <summary>The result of a run; <see cref="PipelineStatus"/> says whether decisions were measured.</summary>
public sealed record IngestBenchReport(
    string Server,
    string Database,
    double Seconds,
    int Clients,
    int Batch,
    double ImageShare,
    double? Rate,
    bool IngestOnly,
    long EventsSent,
    long Accepted,
    long Duplicates,
    long Rejected,
    long FailedBatches,
    string? FirstError,
    double EventsPerSecond,
    double MegabytesPerSecond,
    LatencySummary Batches,
    LatencySummary? Decisions,
    long? Backlog,
    string PipelineStatus,
    MemorySummary WorkingSet,
    MemorySummary GcHeap,
    double CpuSeconds,
    double CpuPercentOfMachine,
    double GeneratorCpuSeconds,
    double GeneratorShareOfProcessCpu,
    int Cores,
    long AverageImageBytes,
    IReadOnlyDictionary<TrafficKind, long> Mix,
    IReadOnlyList<IngestBenchInterval> Intervals)
{
    public const string PipelineNotRunning = "pipeline not running: no items processed";
    public const string IngestOnlyStatus = "ingest only: decisions not measured";
    public const string NoStoreStatus = "decisions not measured: no database given for the target";

    /// <summary>Where the in-process pipeline's time went during the run; null for an external server.</summary>
    public PipelineStageSnapshot? Stages { get; init; }

    /// <summary>Busy share of all cores over the run, every process counted (PostgreSQL included); null off Linux.</summary>
    public double? MachineCpuPercent { get; init; }

    /// <summary>Items the pipeline decided during the run (0 when decisions were not measured).</summary>
    public long Decided { get; init; }

    /// <summary>All cores' busy seconds over the run divided by the events decided (or accepted, when decisions were not measured).</summary>
    public double? MachineCpuMsPerEvent => MachineCpuPercent is { } p && (Decided > 0 ? Decided : Accepted) is > 0 and var n
        ? p / 100 * Cores * Seconds * 1000 / n
        : null;

    /// <summary>Events/s this machine could carry with every core busy, at <see cref="MachineCpuMsPerEvent"/>.</summary>
    public double? CeilingEventsPerSecond => MachineCpuMsPerEvent is > 0 and var ms ? Cores * 1000 / ms : null;

    /// <summary>
    /// <see cref="MachineCpuMsPerEvent"/> over the second half of the intervals only, after the warm-up (JIT, a fresh
    /// database's first statistics); null without machine figures or decisions there.
    /// </summary>
    public double? SteadyMachineCpuMsPerEvent
    {
        get
        {
            var half = Intervals.Skip(Intervals.Count / 2).Where(i => i.Span > 0).ToList();
            if (half.Count == 0 || half.Any(i => i.MachineCpuPercent is null))
            {
                return null;
            }
            var events = half.Sum(i => Decided > 0 ? i.Decided : (long)Math.Round(i.EventsPerSecond * i.Span));
            return events > 0 ? half.Sum(i => i.MachineCpuPercent!.Value / 100 * Cores * i.Span) * 1000 / events : null;
        }
    }
}

/// <summary>
/// <c>vigil bench ingest</c>: sustained ingest of generated platform traffic over loopback HTTP, with the accept-to-
/// decision latency read from <c>ingest_items</c> (ProcessedAt - ReceivedAt), backlog, memory and CPU.
/// </summary>
public static class IngestBench
{
    private const int DecisionSamplesPerInterval = 2000;

    /// <summary>Runs the benchmark; <paramref name="progress"/> gets a line per interval (null for none).</summary>
    public static async Task<IngestBenchReport> RunAsync(IngestBenchOptions options, TextWriter? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        progress ??= TextWriter.Null;
        DirectoryInfo? temp = null;
        WebApplication? app = null;
        try
        {
            Uri target;
            string key;
            VigilStore? store;
            string server;
            if (options.Target is { } external)
            {
                (target, key, store, server) = (external, options.Key!, options.TargetStore, "external " + external);
            }
            else
            {
                temp = Directory.CreateTempSubdirectory("vigil-bench-");
                store = new VigilStore(temp, options.Postgres);
                if (store.IsPostgres)
                {
                    await PrepareEmptyPostgresAsync(options.Postgres!, options.Reset, ct);
                }
                app = await VigilServer.BuildAsync(store, "http://127.0.0.1:0", TimeProvider.System, ct);
                await app.StartAsync(ct);
                target = new Uri(VigilServer.Addresses(app)[0]);
                key = await SetUpPlatformAsync(app, store, temp, options.SeedBanks, ct);
                server = "in-process " + target;
            }
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"bench ingest: {server}, {(store is null ? "database unknown" : Describe(store))}, {options.Clients} clients x {options.Batch} events/batch, images {options.ImageShare:P0}, rate {(options.Rate is { } r ? r.ToString("F0", CultureInfo.InvariantCulture) + "/s" : "unlimited")}, {options.Duration.TotalSeconds:F0} s"));
            var pool = TrafficImagePool.Create(options.ImagePool / 4, options.ImagePool - (options.ImagePool / 4), options.Seed);
            var stages = app?.Services.GetService<PipelineMetrics>()?.Stages;
            var before = stages?.Snapshot();
            var report = await DriveAsync(options, target, key, options.IngestOnly ? null : store, pool, server, store is null ? "unknown" : Describe(store), progress, ct);
            return stages is null || before is null ? report : report with { Stages = stages.Snapshot().Since(before) };
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
            if (temp is not null)
            {
                try
                {
                    temp.Delete(recursive: true);
                }
                catch (IOException)
                {
                    // A SQLite file still closing; the OS cleans temporary folders.
                }
            }
        }
    }

    private static void Validate(IngestBenchOptions o)
    {
        if (o.Clients is < 1 or > 256)
        {
            throw new IngestBenchException("--clients must be 1 to 256");
        }
        if (o.Batch is < 1 or > IngestBatch.MaxEvents)
        {
            throw new IngestBenchException($"--batch must be 1 to {IngestBatch.MaxEvents}");
        }
        if (o.Duration <= TimeSpan.Zero)
        {
            throw new IngestBenchException("--seconds must be positive");
        }
        if (o.Rate is <= 0)
        {
            throw new IngestBenchException("--rate must be positive");
        }
        if (o.Target is not null && string.IsNullOrWhiteSpace(o.Key))
        {
            throw new IngestBenchException("--target needs --key (a platform API key of that server)");
        }
        if (o.ImageShare is not (>= 0 and <= 1))
        {
            throw new IngestBenchException("--image-share must be between 0 and 1");
        }
    }

    private static string Describe(VigilStore store) =>
        store.IsPostgres ? "PostgreSQL " + new NpgsqlConnectionStringBuilder(store.PostgresConnectionString).Database : "SQLite";

    /// <summary>Refuses a PostgreSQL database that has tables, unless asked to drop them.</summary>
    private static async Task PrepareEmptyPostgresAsync(string connectionString, bool reset, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", conn);
        var tables = (long)(await count.ExecuteScalarAsync(ct))!;
        if (tables == 0)
        {
            return;
        }
        if (!reset)
        {
            throw new IngestBenchException(
                $"database '{conn.Database}' is not empty ({tables} tables in schema public); give an empty database, or --reset to drop everything in its public schema");
        }
        await using var drop = new NpgsqlCommand("DROP SCHEMA public CASCADE; CREATE SCHEMA public;", conn);
        await drop.ExecuteNonQueryAsync(ct);
    }

    private static async Task<string> SetUpPlatformAsync(WebApplication app, VigilStore store, DirectoryInfo temp, bool seedBanks, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        if (seedBanks)
        {
            // The demo's banks, so the pipeline (when present) matches against the posters and manifesto the traffic re-posts.
            await DemoBanks.SeedAsync(db, Path.Combine(temp.FullName, "demo"), new PdqWorkspace(), TimeProvider.System, ct);
        }
        var keys = new PlatformKeys(db, app.Services.GetRequiredService<LedgerLog>(), TimeProvider.System);
        return (await keys.CreatePlatformAsync("bench", "vigil bench", "operator", ct)).ApiKey;
    }

    private sealed class Counters
    {
        public long Sent;
        public long Accepted;
        public long Duplicates;
        public long Rejected;
        public long Failed;
        public long Bytes;
        public long GeneratorTicks;
        public string? FirstError;
        public readonly List<double> IntervalBatchMs = [];
        public readonly List<double> AllBatchMs = [];
    }

    private static async Task<IngestBenchReport> DriveAsync(
        IngestBenchOptions o, Uri target, string key, VigilStore? sampleStore, TrafficImagePool pool, string server, string database, TextWriter progress, CancellationToken ct)
    {
        var counters = new Counters();
        var runId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        var generators = Enumerable.Range(0, o.Clients)
            .Select(c => new TrafficGenerator(pool, new TrafficMix(ImageShare: o.ImageShare), o.Seed * 1000 + c, $"bench-{runId}-{c}-"))
            .ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuStart = process.TotalProcessorTime;
        var machineStart = MachineCpu.Read();
        var clock = Stopwatch.StartNew();
        var runStart = TimeProvider.System.GetUtcNow();
        long batchTicket = -1;

        async Task ClientAsync(int c)
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1, UseCookies = false })
            {
                BaseAddress = target,
                Timeout = TimeSpan.FromMinutes(2),
            };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var buffer = new ArrayBufferWriter<byte>(1 << 20);
            var gen = generators[c];
            while (!stop.IsCancellationRequested)
            {
                if (o.Rate is { } rate)
                {
                    // Batch n is due at n * batch / rate seconds: the clients together keep the asked rate.
                    var due = TimeSpan.FromSeconds(Interlocked.Increment(ref batchTicket) * o.Batch / rate);
                    var wait = due - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        try
                        {
                            await Task.Delay(wait, stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            break;
                        }
                    }
                }
                buffer.ResetWrittenCount();
                long g0 = Stopwatch.GetTimestamp();
                // The clock here is the wall clock on purpose: created_at is the platform's own time.
                gen.WriteBatch(buffer, o.Batch, TimeProvider.System.GetUtcNow());
                Interlocked.Add(ref counters.GeneratorTicks, Stopwatch.GetTimestamp() - g0);
                using var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                long t0 = Stopwatch.GetTimestamp();
                byte[] body;
                int status;
                try
                {
                    // Not cancelled by the stop signal: a batch in flight is finished and counted.
                    using var response = await http.PostAsync(IngestEndpoints.Route, content, ct);
                    body = await response.Content.ReadAsByteArrayAsync(ct);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException e)
                {
                    Fail(counters, "request failed: " + e.Message);
                    if (Interlocked.Read(ref counters.Accepted) == 0)
                    {
                        await stop.CancelAsync();
                    }
                    continue;
                }
                var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                Interlocked.Add(ref counters.Sent, o.Batch);
                Interlocked.Add(ref counters.Bytes, buffer.WrittenCount);
                if (status != 200)
                {
                    Fail(counters, $"HTTP {status}: {Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300))}");
                    if (Interlocked.Read(ref counters.Accepted) == 0)
                    {
                        // Nothing has ever worked (a wrong key or URL): stop instead of hammering.
                        await stop.CancelAsync();
                    }
                    continue;
                }
                var (acc, dup, rej) = CountStatuses(body);
                Interlocked.Add(ref counters.Accepted, acc);
                Interlocked.Add(ref counters.Duplicates, dup);
                Interlocked.Add(ref counters.Rejected, rej);
                lock (counters)
                {
                    counters.IntervalBatchMs.Add(ms);
                    counters.AllBatchMs.Add(ms);
                }
            }
        }

        var clients = Enumerable.Range(0, o.Clients).Select(c => Task.Run(() => ClientAsync(c), CancellationToken.None)).ToList();
        var intervals = new List<IngestBenchInterval>();
        var decisionSamples = new List<double>();
        long processed = 0;
        long lastAccepted = 0;
        var lastTime = TimeSpan.Zero;
        var lastCpu = cpuStart;
        var lastMachine = machineStart;
        var windowStart = runStart;
        // Every item processed after a moment was waiting at it, so its id is at least the lowest waiting id then:
        // the window's scan starts there instead of at the table's first row.
        long floorId = 0;
        var allDone = Task.WhenAll(clients);
        while (!allDone.IsCompleted)
        {
            var remaining = o.Duration - clock.Elapsed;
            var nextTick = o.ReportEvery - (clock.Elapsed - lastTime);
            var delay = remaining < nextTick ? remaining : nextTick;
            if (delay > TimeSpan.Zero)
            {
                await Task.WhenAny(allDone, Task.Delay(delay, ct));
            }
            ct.ThrowIfCancellationRequested();
            bool end = clock.Elapsed >= o.Duration || allDone.IsCompleted;
            if (end)
            {
                await stop.CancelAsync();
                await allDone;
            }
            var now = clock.Elapsed;
            var accepted = Interlocked.Read(ref counters.Accepted);
            List<double> batchMs;
            lock (counters)
            {
                batchMs = [.. counters.IntervalBatchMs];
                counters.IntervalBatchMs.Clear();
            }
            LatencySummary? decisions = null;
            long? backlog = null;
            long decided = 0;
            if (sampleStore is not null)
            {
                var nextFloor = await LowestWaitingIdAsync(sampleStore, ct);
                var windowEnd = TimeProvider.System.GetUtcNow();
                var (n, samples) = await SampleDecisionsAsync(sampleStore, floorId, windowStart, windowEnd, accepted - lastAccepted, ct);
                windowStart = windowEnd;
                floorId = nextFloor;
                processed += n;
                decided = n;
                decisionSamples.AddRange(samples);
                decisions = Summarise(samples);
                backlog = Math.Max(0, accepted - processed);
            }
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var machine = MachineCpu.Read();
            var span = (now - lastTime).TotalSeconds;
            var interval = new IngestBenchInterval(
                Math.Round(now.TotalSeconds, 1),
                span > 0 ? (accepted - lastAccepted) / span : 0,
                accepted,
                Summarise(batchMs),
                decisions,
                backlog,
                process.WorkingSet64 / 1048576.0,
                GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0,
                span > 0 ? 100 * (cpu - lastCpu).TotalSeconds / span / Environment.ProcessorCount : 0)
            {
                MachineCpuPercent = machine is { } m && lastMachine is { } lm ? 100 * m.BusyFractionSince(lm) : null,
                Span = span,
                Decided = decided,
            };
            intervals.Add(interval);
            await progress.WriteLineAsync(Line(interval));
            (lastAccepted, lastTime, lastCpu, lastMachine) = (accepted, now, cpu, machine);
            if (end)
            {
                break;
            }
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        var generatorSeconds = Stopwatch.GetElapsedTime(0, counters.GeneratorTicks).TotalSeconds;
        string pipeline = sampleStore is not null
            ? processed == 0 ? IngestBenchReport.PipelineNotRunning : string.Create(CultureInfo.InvariantCulture, $"pipeline running: {processed} items processed")
            : o.IngestOnly ? IngestBenchReport.IngestOnlyStatus : IngestBenchReport.NoStoreStatus;
        var mix = new Dictionary<TrafficKind, long>();
        foreach (var g in generators)
        {
            foreach (var (k, v) in g.Counts)
            {
                mix[k] = mix.GetValueOrDefault(k) + v;
            }
        }
        return new IngestBenchReport(
            server, database, Math.Round(elapsed, 2), o.Clients, o.Batch, o.ImageShare, o.Rate, o.IngestOnly,
            counters.Sent, counters.Accepted, counters.Duplicates, counters.Rejected, counters.Failed, counters.FirstError,
            counters.Accepted / elapsed, counters.Bytes / 1048576.0 / elapsed,
            Summarise(counters.AllBatchMs),
            sampleStore is null || processed == 0 ? null : Summarise(decisionSamples),
            intervals.LastOrDefault()?.Backlog,
            pipeline,
            Memory(intervals, i => i.WorkingSetMb),
            Memory(intervals, i => i.GcHeapMb),
            cpuSeconds,
            100 * cpuSeconds / elapsed / Environment.ProcessorCount,
            generatorSeconds,
            cpuSeconds > 0 ? generatorSeconds / cpuSeconds : 0,
            Environment.ProcessorCount,
            pool.AverageJpegBytes,
            mix,
            intervals)
        {
            MachineCpuPercent = MachineCpu.Read() is { } last && machineStart is { } first ? 100 * last.BusyFractionSince(first) : null,
            Decided = processed,
        };
    }

    private static void Fail(Counters counters, string error)
    {
        Interlocked.Increment(ref counters.Failed);
        Interlocked.CompareExchange(ref counters.FirstError, error, null);
    }

    /// <summary>Counts the statuses in an ingest response without building objects for it.</summary>
    internal static (long Accepted, long Duplicates, long Rejected) CountStatuses(ReadOnlySpan<byte> json)
    {
        long a = 0, d = 0, r = 0;
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("status"u8) && reader.Read())
            {
                if (reader.ValueTextEquals("accepted"u8))
                {
                    a++;
                }
                else if (reader.ValueTextEquals("duplicate"u8))
                {
                    d++;
                }
                else
                {
                    r++;
                }
            }
        }
        return (a, d, r);
    }

    /// <summary>The lowest id still waiting for the pipeline (the waiting-items index's first entry), or past the last id.</summary>
    private static async Task<long> LowestWaitingIdAsync(VigilStore store, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        return await db.IngestItems.Where(x => x.ProcessedAt == null).MinAsync(x => (long?)x.Id, ct)
            ?? (await db.IngestItems.MaxAsync(x => (long?)x.Id, ct) ?? 0) + 1;
    }

    /// <summary>
    /// Items processed in [from, to): their count, and accept-to-decision latencies of about
    /// <see cref="DecisionSamplesPerInterval"/> of them (every k-th id). <paramref name="floorId"/>: the lowest id
    /// waiting at or before <paramref name="from"/>, so the primary key bounds the scan.
    /// </summary>
    private static async Task<(long Count, List<double> Samples)> SampleDecisionsAsync(VigilStore store, long floorId, DateTimeOffset from, DateTimeOffset to, long expected, CancellationToken ct)
    {
        await using var db = store.CreateContext();
        var window = db.IngestItems.AsNoTracking().Where(x => x.Id >= floorId && x.ProcessedAt >= from && x.ProcessedAt < to);
        var count = await window.LongCountAsync(ct);
        if (count == 0)
        {
            return (0, []);
        }
        long k = Math.Max(1, Math.Max(count, expected) / DecisionSamplesPerInterval);
        var rows = await window.Where(x => x.Id % k == 0).Select(x => new { x.ReceivedAt, x.ProcessedAt }).ToListAsync(ct);
        return (count, [.. rows.Select(r => (r.ProcessedAt!.Value - r.ReceivedAt).TotalMilliseconds)]);
    }

    private static LatencySummary Summarise(List<double> ms)
    {
        if (ms.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0);
        }
        ms.Sort();
        return new LatencySummary(ms.Count, Percentiles.NearestRank(ms, 0.50) ?? 0, Percentiles.NearestRank(ms, 0.99) ?? 0, ms[^1]);
    }

    private static MemorySummary Memory(List<IngestBenchInterval> intervals, Func<IngestBenchInterval, double> value)
    {
        if (intervals.Count == 0)
        {
            return new MemorySummary(0, 0, 0, 0);
        }
        var v = intervals.Select(value).ToList();
        // The first interval is warm-up (pools, JIT, caches filling); the slope is judged after it.
        var points = intervals.Count >= 3 ? intervals.Skip(1).ToList() : intervals;
        return new MemorySummary(v[0], v[^1], v.Max(), Slope(points.Select(i => (i.ElapsedSeconds / 60, value(i))).ToList()));
    }

    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return 0;
        }
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double num = points.Sum(p => (p.X - mx) * (p.Y - my)), den = points.Sum(p => (p.X - mx) * (p.X - mx));
        return den == 0 ? 0 : num / den;
    }

    private static string Line(IngestBenchInterval i)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.Append(c, $"{i.ElapsedSeconds,6:F0}s  {i.EventsPerSecond,8:F0} ev/s  batch p50 {i.Batches.P50Ms,6:F0} ms p99 {i.Batches.P99Ms,6:F0} ms");
        if (i.Decisions is { Count: > 0 } d)
        {
            s.Append(c, $"  decision p50 {d.P50Ms,6:F0} ms p99 {d.P99Ms,6:F0} ms");
        }
        if (i.Backlog is { } b)
        {
            s.Append(c, $"  backlog {b,8}");
        }
        s.Append(c, $"  ws {i.WorkingSetMb,6:F0} MB  heap {i.GcHeapMb,6:F0} MB  cpu {i.CpuPercent,5:F0}%");
        if (i.MachineCpuPercent is { } m)
        {
            s.Append(c, $" (machine {m,3:F0}%)");
        }
        return s.ToString();
    }

    /// <summary>The final report as text.</summary>
    public static string Format(IngestBenchReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"server          {r.Server} ({r.Database}), {r.Cores} cores");
        s.AppendLine(c, $"load            {r.Clients} clients x {r.Batch} events/batch, images {r.ImageShare:P0} (avg {r.AverageImageBytes / 1024} KB), rate {(r.Rate is { } rate ? rate.ToString("F0", c) + "/s" : "unlimited")}, {r.Seconds:F1} s");
        s.AppendLine(c, $"events          sent {r.EventsSent}, accepted {r.Accepted}, duplicates {r.Duplicates}, rejected {r.Rejected}, failed batches {r.FailedBatches}");
        if (r.FirstError is not null)
        {
            s.AppendLine(c, $"first error     {r.FirstError}");
        }
        s.AppendLine(c, $"throughput      {r.EventsPerSecond:F0} events/s accepted ({r.MegabytesPerSecond:F1} MB/s of request bodies)");
        s.AppendLine(c, $"batch latency   p50 {r.Batches.P50Ms:F1} ms, p99 {r.Batches.P99Ms:F1} ms, max {r.Batches.MaxMs:F1} ms ({r.Batches.Count} batches)");
        if (r.Decisions is { } d)
        {
            s.AppendLine(c, $"accept->decision p50 {d.P50Ms:F1} ms, p99 {d.P99Ms:F1} ms, max {d.MaxMs:F1} ms (sampled: {d.Count} items); backlog {r.Backlog}");
        }
        else
        {
            s.AppendLine(c, $"accept->decision {r.PipelineStatus}{(r.Backlog is { } b ? "; backlog " + b.ToString(c) : "")}");
        }
        s.AppendLine(c, $"working set     first {r.WorkingSet.FirstMb:F0} MB, last {r.WorkingSet.LastMb:F0} MB, max {r.WorkingSet.MaxMb:F0} MB, slope {r.WorkingSet.SlopeMbPerMinute:+0.0;-0.0} MB/min");
        s.AppendLine(c, $"GC heap         first {r.GcHeap.FirstMb:F0} MB, last {r.GcHeap.LastMb:F0} MB, max {r.GcHeap.MaxMb:F0} MB, slope {r.GcHeap.SlopeMbPerMinute:+0.0;-0.0} MB/min");
        s.AppendLine(c, $"cpu             {r.CpuSeconds:F1} s = {r.CpuPercentOfMachine:F0}% of {r.Cores} cores (server, client and generator in this process); generator {r.GeneratorCpuSeconds:F1} s = {r.GeneratorShareOfProcessCpu:P0} of it");
        if (r.MachineCpuPercent is { } mp && r.MachineCpuMsPerEvent is { } ms && r.CeilingEventsPerSecond is { } ceiling)
        {
            var per = r.Decided > 0 ? "decided" : "accepted";
            s.AppendLine(c, $"machine cpu     {mp:F0}% of {r.Cores} cores, every process counted (PostgreSQL included): {ms:F2} ms of CPU per {per} event => at most {ceiling:F0} events/s with every core busy");
            if (r.SteadyMachineCpuMsPerEvent is > 0 and var steady)
            {
                s.AppendLine(c, $"  second half   {steady:F2} ms of CPU per {per} event => at most {r.Cores * 1000 / steady:F0} events/s with every core busy");
            }
        }
        if (r.Stages is { Items: > 0 } st)
        {
            s.AppendLine(c, $"pipeline stages {st.Batches} batches, {st.Items} items ({(double)st.Items / st.Batches:F0} per batch); wall time per item:");
            var total = TimeSpan.Zero;
            foreach (var (stage, spent) in st.Stages)
            {
                total += spent;
                s.AppendLine(c, $"  {stage,-16}{spent.TotalMicroseconds / st.Items,9:F1} µs  ({spent.TotalSeconds,7:F2} s)");
            }
            s.AppendLine(c, $"  {"total",-16}{total.TotalMicroseconds / st.Items,9:F1} µs  => at most {st.Items / Math.Max(total.TotalSeconds, 1e-9):F0} items/s with this mix and this machine's load");
            s.AppendLine(c, $"hashing threads images {st.Images}: {(st.Images == 0 ? 0 : st.ImageHashing.TotalMilliseconds / st.Images):F2} ms each; texts {st.Texts}: {(st.Texts == 0 ? 0 : st.TextHashing.TotalMicroseconds / st.Texts):F1} µs each (hashing threads' CPU time)");
        }
        s.Append("mix             ").AppendJoin(", ", r.Mix.Where(m => m.Value > 0).Select(m => string.Create(c, $"{m.Key} {m.Value}")));
        return s.ToString();
    }
}
