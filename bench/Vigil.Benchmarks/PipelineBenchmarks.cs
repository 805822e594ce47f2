using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Npgsql;
using Vigil.Banks;
using Vigil.Ingest;
using Vigil.Ledger;
using Vigil.Pipeline;
using Vigil.Platforms;
using Vigil.Storage;

namespace Vigil.Benchmarks;

/// <summary>In-process, few iterations: each invocation decides thousands of items against a real database.</summary>
public sealed class PipelineBenchConfig : ManualConfig
{
    public PipelineBenchConfig() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5)
            .WithInvocationCount(1).WithUnrollFactor(1));
}

/// <summary>
/// The detection worker alone (no HTTP): <see cref="Items"/> waiting text posts (1 in 50 a threat that is referred,
/// preserved and queued) are claimed, matched against banks of 2,000 PDQ, 2,000 MD5 and 200 MinHash entries,
/// judged by the shipped rules and stored, in batches of 500. Time per operation is per item: items/s = 1e9 / ns.
/// PostgreSQL needs VIGIL_BENCH_POSTGRES (a role that may create databases); the run gets a database of its own.
/// </summary>
[Config(typeof(PipelineBenchConfig))]
public class PipelineBenchmarks
{
    private const int Items = 5000;

    private string? dataDir;
    private string? adminConnection;
    private string? database;
    private VigilStore? store;
    private LedgerLog? ledger;
    private PipelineRules? rules;
    private PipelineMetrics? metrics;
    private DetectionProcessor? processor;
    private long platformId;
    private int round;

    [Params("sqlite", "postgres")]
    public string Provider { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-bench-pipeline-");
        dataDir = dir.FullName;
        if (Provider == "postgres")
        {
            adminConnection = Environment.GetEnvironmentVariable("VIGIL_BENCH_POSTGRES")
                ?? throw new InvalidOperationException("set VIGIL_BENCH_POSTGRES to a connection string of a role that may create databases");
            database = "vigil_bench_" + Guid.NewGuid().ToString("N")[..12];
            await using (var conn = new NpgsqlConnection(adminConnection))
            {
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand($"CREATE DATABASE {database}", conn);
                await cmd.ExecuteNonQueryAsync();
            }
            store = new VigilStore(dir, new NpgsqlConnectionStringBuilder(adminConnection) { Database = database }.ConnectionString);
        }
        else
        {
            store = new VigilStore(dir);
        }
        var time = TimeProvider.System;
        await using (var db = await store.OpenAsync(default))
        {
            var platform = new Platform { Name = "bench", CreatedAt = time.GetUtcNow() };
            db.Platforms.Add(platform);
            var bank = new HashBank { Name = "tvec", Kind = BankKind.Positive, CreatedAt = time.GetUtcNow() };
            db.Banks.Add(bank);
            await db.SaveChangesAsync();
            platformId = platform.Id;
            var rng = new Random(42);
            for (var i = 0; i < 2000; i++)
            {
                db.BankEntries.Add(Entry(bank.Id, SignalType.Pdq, Hex(rng, 32)));
                db.BankEntries.Add(Entry(bank.Id, SignalType.Md5, Hex(rng, 16)));
            }
            for (var i = 0; i < 200; i++)
            {
                db.BankEntries.Add(Entry(bank.Id, SignalType.TextMinHash, Hashing.Text.TextHasher.MinHash($"manifesto number {i} {Hex(rng, 16)} calls for a violent struggle against everyone").ToString()));
            }
            await db.SaveChangesAsync();
        }
        var rulesDir = Path.Combine(dataDir, "rules");
        Directory.CreateDirectory(rulesDir);
        File.Copy(Path.Combine(DetectionWorker.ShippedRulesFolder, "terrorism.yaml"), Path.Combine(rulesDir, "terrorism.yaml"));
        ledger = LedgerLog.OpenDataDirectory(dataDir);
        rules = new PipelineRules(time, ledger);
        await rules.StartAsync(rulesDir, watch: false, TimeSpan.Zero, default);
        metrics = new PipelineMetrics(null);
        processor = new DetectionProcessor(store, rules, new PipelineOptions(), ledger, metrics, time);

        BankEntry Entry(long bankId, SignalType type, string signal) => new()
        {
            BankId = bankId,
            SignalType = type,
            Signal = signal,
            Severity = 4,
            Entity = "bench",
            FirstSeen = time.GetUtcNow(),
            UpdatedAt = time.GetUtcNow(),
        };
    }

    private static string Hex(Random rng, int bytes)
    {
        var b = new byte[bytes];
        rng.NextBytes(b);
        return Convert.ToHexStringLower(b);
    }

    [IterationSetup]
    public void AddItems()
    {
        round++;
        var now = TimeProvider.System.GetUtcNow();
        using var db = store!.CreateContext();
        var words = new[] { "the", "match", "was", "great", "tonight", "see", "you", "at", "the", "park", "with", "friends", "new", "recipe", "photos" };
        for (var i = 0; i < Items; i++)
        {
            var text = i % 50 == 0
                ? "I will kill the soldiers at the barracks"
                : string.Join(' ', Enumerable.Range(0, 12).Select(k => words[(i * 7 + k * 3) % words.Length])) + " " + i;
            db.IngestItems.Add(new IngestItem
            {
                PlatformId = platformId,
                ItemId = $"r{round}-{i}",
                Type = "post",
                AccountId = $"u{i % 997}",
                CreatedAt = now,
                ReceivedAt = now,
                Text = text,
                Metadata = i % 10 == 0 ? """{"country":"DE"}""" : null,
            });
        }
        db.SaveChanges();
    }

    [Benchmark(OperationsPerInvoke = Items)]
    public async Task<int> DecideWaitingItems()
    {
        var total = 0;
        while (true)
        {
            var outcome = await processor!.ProcessBatchAsync(default);
            if (outcome.Claimed == 0)
            {
                return total;
            }
            total += outcome.Claimed;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        processor?.Dispose();
        rules?.Dispose();
        metrics?.Dispose();
        ledger?.Dispose();
        if (database is not null)
        {
            using var conn = new NpgsqlConnection(adminConnection);
            conn.Open();
            using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", conn);
            cmd.ExecuteNonQuery();
        }
        if (dataDir is not null)
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
