using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Vigil.Ledger;
using Vigil.Ledger.Merkle;
using Vigil.Ledger.Notes;
using Vigil.Ledger.Storage;

namespace Vigil.Benchmarks;

/// <summary>
/// In-process runs (building a separate benchmark exe takes minutes on the 2-core machine) with few iterations:
/// each operation here is milliseconds to seconds long.
/// </summary>
public sealed class LedgerBenchConfig : ManualConfig
{
    public LedgerBenchConfig() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(6));
}

/// <summary>Shared set-up: sample events and cached benchmark databases under the temp folder.</summary>
internal static class LedgerBench
{
    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "vigil-bench-ledger");

    public static LedgerEvent Event(int i) => new(
        $"analyst-{i % 13}", "analyst", "content.view", new LedgerSubject("case", $"case-{i}"),
        $"triage of report {i}", (i & 1) == 0 ? LedgerEvent.HashPayload(BitConverter.GetBytes(i)) : null);

    public static NoteSigner Signer() => NoteSigner.LoadOrCreate(Path.Combine(Folder, "bench.key"), "bench.vigil/ledger");

    /// <summary>
    /// A database holding only the tree state (tiles) of <paramref name="size"/> synthetic leaves: proofs read tiles only,
    /// so this is what a log of that size looks like to the prover. Built once and kept.
    /// </summary>
    public static string TreeOnlyDatabase(long size)
    {
        Directory.CreateDirectory(Folder);
        string path = Path.Combine(Folder, $"tree-{size}.db");
        if (File.Exists(path))
        {
            using LedgerStore existing = LedgerStore.Open(LedgerDatabase.Sqlite, LedgerStore.SqliteConnectionString(path));
            if (existing.ReadSize() == size)
            {
                return path;
            }
        }

        File.Delete(path);
        using LedgerStore store = LedgerStore.Open(LedgerDatabase.Sqlite, LedgerStore.SqliteConnectionString(path));
        var edge = new TreeEdge();
        Span<byte> leaf = stackalloc byte[32];
        Span<byte> counter = stackalloc byte[8];
        store.BeginWrite();
        for (long i = 0; i < size; i++)
        {
            BitConverter.TryWriteBytes(counter, i);
            Rfc6962.HashLeaf(counter, leaf);
            edge.Append(leaf);
            if ((i & 0xFFFF) == 0xFFFF)
            {
                store.WriteTiles(edge.TakeChangedTiles());
            }
        }

        store.WriteTiles(edge.TakeChangedTiles());
        store.WriteSize(size);
        store.CommitWrite();
        return path;
    }

    /// <summary>A full ledger (entries, tiles, a checkpoint) of <paramref name="size"/> sample events. Built once and kept.</summary>
    public static string FullLedger(int size)
    {
        string dir = Path.Combine(Folder, $"ledger-{size}");
        using (LedgerLog existing = LedgerLog.OpenDataDirectory(dir, "bench.vigil/ledger"))
        {
            if (existing.Size() == size)
            {
                return dir;
            }
        }

        Directory.Delete(dir, recursive: true);
        using LedgerLog ledger = LedgerLog.OpenDataDirectory(dir, "bench.vigil/ledger");
        for (int at = 0; at < size; at += 10_000)
        {
            int n = Math.Min(10_000, size - at);
            ledger.AppendBatchAsync(Enumerable.Range(at, n).Select(Event).ToList(), CancellationToken.None).GetAwaiter().GetResult();
        }

        ledger.Checkpoint();
        return dir;
    }
}

/// <summary>Durable appends (each batch is one SQLite transaction, synchronous=FULL): time per appended event.</summary>
[Config(typeof(LedgerBenchConfig))]
[MemoryDiagnoser]
public class LedgerAppendBenchmarks
{
    private LedgerLog _ledger = null!;
    private NoteSigner _signer = null!;
    private string _dir = null!;
    private LedgerEvent[] _one = null!;
    private LedgerEvent[] _hundred = null!;
    private LedgerEvent[] _tenThousand = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(LedgerBench.Folder, "append-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _signer = LedgerBench.Signer();
        _ledger = LedgerLog.OpenSqlite(Path.Combine(_dir, "vigil.db"), _signer);
        _one = [LedgerBench.Event(1)];
        _hundred = Enumerable.Range(0, 100).Select(LedgerBench.Event).ToArray();
        _tenThousand = Enumerable.Range(0, 10_000).Select(LedgerBench.Event).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ledger.Dispose();
        _signer.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = 1)]
    public Task<long> Batch1() => _ledger.AppendBatchAsync(_one, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = 100)]
    public Task<long> Batch100() => _ledger.AppendBatchAsync(_hundred, CancellationToken.None);

    [Benchmark(OperationsPerInvoke = 10_000)]
    public Task<long> Batch10000() => _ledger.AppendBatchAsync(_tenThousand, CancellationToken.None);

    /// <summary>64 callers each appending one event concurrently: group commit turns them into few transactions.</summary>
    [Benchmark(OperationsPerInvoke = 64)]
    public Task<long[]> Concurrent64() => Task.WhenAll(_hundred.Take(64).Select(e => _ledger.AppendAsync(e, CancellationToken.None)));
}

/// <summary>Proofs at 10 million entries, read from the SQLite tiles table.</summary>
[Config(typeof(LedgerBenchConfig))]
[MemoryDiagnoser]
public class LedgerProofBenchmarks
{
    private const long Size = 10_000_000;
    private LedgerLog _ledger = null!;
    private NoteSigner _signer = null!;
    private long _next = 1;

    [GlobalSetup]
    public void Setup()
    {
        _signer = LedgerBench.Signer();
        _ledger = LedgerLog.OpenSqlite(LedgerBench.TreeOnlyDatabase(Size), _signer);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ledger.Dispose();
        _signer.Dispose();
    }

    // A different index each call (a large odd stride), so no call is served from a warm tile of the previous one.
    private long NextIndex() => _next = (_next + 7_919_993) % Size;

    [Benchmark]
    public InclusionProof Inclusion() => _ledger.ProveInclusion(NextIndex(), Size);

    [Benchmark]
    public ConsistencyProof Consistency() => _ledger.ProveConsistency(1 + NextIndex(), Size);

    [Benchmark]
    public bool InclusionVerify()
    {
        InclusionProof proof = _ledger.ProveInclusion(NextIndex(), Size);
        return MerkleVerifier.VerifyInclusion((ulong)proof.Index, (ulong)Size, proof.LeafHash, proof.Hashes, proof.Root).IsValid;
    }
}

/// <summary>Full verification (recompute every leaf and tile, check every checkpoint) of a 1 million entry ledger.</summary>
[Config(typeof(LedgerBenchConfig))]
public class LedgerVerifyBenchmarks
{
    private LedgerLog _ledger = null!;

    [GlobalSetup]
    public void Setup() => _ledger = LedgerLog.OpenDataDirectory(LedgerBench.FullLedger(1_000_000));

    [GlobalCleanup]
    public void Cleanup() => _ledger.Dispose();

    [Benchmark]
    public bool Verify1M() => _ledger.Verify(CancellationToken.None).IsValid;
}

/// <summary>The hashing primitives the log is built from.</summary>
[Config(typeof(LedgerBenchConfig))]
public class LedgerHashBenchmarks
{
    private readonly byte[] _entry = CanonicalJson.Serialize(LedgerBench.Event(2), DateTimeOffset.UnixEpoch);
    private readonly byte[] _out = new byte[32];
    private readonly byte[] _left = SHA256.HashData([1]);

    [Benchmark]
    public void LeafHash() => Rfc6962.HashLeaf(_entry, _out);

    [Benchmark]
    public void NodeHash() => Rfc6962.HashChildren(_left, _left, _out);

    [Benchmark]
    public byte[] CanonicalEntry() => CanonicalJson.Serialize(LedgerBench.Event(2), DateTimeOffset.UnixEpoch);
}
