using System.Diagnostics;
using System.Globalization;

namespace Vigil.Hashing.Index;

/// <summary>A generated haystack and query set: random hashes with near neighbours planted around each query.</summary>
/// <param name="Haystack">The stored hashes; the id of Haystack[i] is i.</param>
/// <param name="Queries">The query hashes.</param>
public sealed record IndexBenchmarkDataset(Hash256[] Haystack, Hash256[] Queries)
{
    /// <summary>Neighbours planted per query, at distances spread from 0 to a little past the radius.</summary>
    public const int PlantedPerQuery = 8;

    /// <summary>
    /// Generates <paramref name="count"/> uniformly random hashes and <paramref name="queries"/> random queries,
    /// then overwrites <see cref="PlantedPerQuery"/> random haystack entries per query with copies of the query
    /// at 0 .. radius + 8 flipped bits, so that every query has matches on both sides of the radius.
    /// </summary>
    public static IndexBenchmarkDataset Generate(int count, int queries, int radius, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(queries);
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(radius, Hash256.Bits);
        // Deterministic data, not security: a seeded generator the FAISS side reads from files anyway.
#pragma warning disable CA5394
        var random = new Random(seed);
        var haystack = new Hash256[count];
        var bytes = new byte[Hash256.Bits / 8 * 4096];
        for (var i = 0; i < count; i += 4096)
        {
            random.NextBytes(bytes);
            var n = Math.Min(4096, count - i);
            for (var j = 0; j < n; j++)
            {
                haystack[i + j] = Hash256.FromBytes(bytes.AsSpan(j * 32, 32));
            }
        }
        var queryHashes = new Hash256[queries];
        var one = new byte[32];
        var farthest = Math.Min(Hash256.Bits, radius + 8);
        for (var q = 0; q < queries; q++)
        {
            random.NextBytes(one);
            queryHashes[q] = Hash256.FromBytes(one);
            for (var p = 0; count > 0 && p < PlantedPerQuery; p++)
            {
                var flips = farthest * p / (PlantedPerQuery - 1);
                haystack[random.Next(count)] = FlipDistinctBits(queryHashes[q], flips, random);
            }
        }
#pragma warning restore CA5394
        return new IndexBenchmarkDataset(haystack, queryHashes);
    }

    /// <summary>Writes <c>haystack.bin</c> and <c>queries.bin</c> (raw 32-byte records, see <see cref="HashFile"/>).</summary>
    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        HashFile.WriteRaw(Path.Combine(directory, "haystack.bin"), Haystack);
        HashFile.WriteRaw(Path.Combine(directory, "queries.bin"), Queries);
    }

#pragma warning disable CA5394
    private static Hash256 FlipDistinctBits(Hash256 hash, int flips, Random random)
    {
        Span<bool> used = stackalloc bool[Hash256.Bits];
        for (var done = 0; done < flips;)
        {
            var bit = random.Next(Hash256.Bits);
            if (!used[bit])
            {
                used[bit] = true;
                hash = hash.FlipBit(bit);
                done++;
            }
        }
        return hash;
    }
#pragma warning restore CA5394
}

/// <summary>Figures of one index benchmark run.</summary>
public sealed record IndexBenchmarkReport(
    int Count,
    int Queries,
    int Radius,
    int ChunkCount,
    double BuildSeconds,
    long MemoryBytes,
    long ResidentGrowthBytes,
    double BuildCpuSeconds,
    double SingleLookupsPerSecond,
    double BatchLookupsPerSecond,
    double SingleLookupsPerCpuSecond,
    double BatchLookupsPerCpuSecond,
    int BatchSize,
    double P50Microseconds,
    double P99Microseconds,
    long Matches,
    long ExpectedMatches,
    bool Exact)
{
    /// <summary>Share of the brute-force matches found (1.0 when exact).</summary>
    public double Recall => ExpectedMatches == 0 ? 1.0 : (double)Math.Min(Matches, ExpectedMatches) / ExpectedMatches;

    /// <summary>One line of <c>key=value</c> pairs, for scripts.</summary>
    public string ToKeyValues() => string.Create(CultureInfo.InvariantCulture,
        $"count={Count} queries={Queries} radius={Radius} chunks={ChunkCount} build_s={BuildSeconds:F3} memory_bytes={MemoryBytes} " +
        $"resident_growth_bytes={ResidentGrowthBytes} build_cpu_s={BuildCpuSeconds:F3} single_lps={SingleLookupsPerSecond:F1} batch_lps={BatchLookupsPerSecond:F1} " +
        $"single_lps_cpu={SingleLookupsPerCpuSecond:F1} batch_lps_cpu={BatchLookupsPerCpuSecond:F1} " +
        $"batch_size={BatchSize} p50_us={P50Microseconds:F1} p99_us={P99Microseconds:F1} matches={Matches} expected={ExpectedMatches} " +
        $"recall={Recall:F4} exact={(Exact ? "yes" : "no")}");
}

/// <summary>
/// The end-to-end index benchmark behind <c>vigil bench index</c>: build over random hashes with planted
/// neighbours, then time single and batched lookups on the calling thread (one core) and check every
/// result set against a brute-force scan.
/// </summary>
public static class IndexBenchmark
{
    /// <summary>Runs the benchmark on freshly generated data.</summary>
    public static IndexBenchmarkReport Run(int count, int queries, int radius, int seed, TextWriter log) =>
        Run(IndexBenchmarkDataset.Generate(count, queries, radius, seed), radius, log);

    /// <summary>Runs the benchmark on <paramref name="data"/> (haystack ids are positions).</summary>
    public static IndexBenchmarkReport Run(IndexBenchmarkDataset data, int radius, TextWriter log, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var count = data.Haystack.Length;
        var queries = data.Queries;
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = i;
        }

        // The index lives mostly in unmanaged memory, so the resident set (not the GC heap) shows its real size.
        GC.Collect();
        var residentBefore = Environment.WorkingSet;
        var cpuBefore = ThreadCpuClock.Seconds();
        var clock = Stopwatch.StartNew();
        // One build thread, like the lookups: the figures are per core.
        using var index = HammingIndex.Build(data.Haystack, ids, new HammingIndexOptions { MaxBuildParallelism = 1 });
        var buildSeconds = clock.Elapsed.TotalSeconds;
        var buildCpu = ThreadCpuClock.Seconds() - cpuBefore;
        GC.Collect();
        var residentGrowth = Environment.WorkingSet - residentBefore;
        log.WriteLine(FormattableString.Invariant(
            $"built {count:N0} hashes in {buildSeconds:F2} s ({buildCpu:F2} s CPU), {index.ChunkCount} chunks, {index.MemoryBytes / 1048576.0:F0} MiB (resident set grew {residentGrowth / 1048576.0:F0} MiB)"));

        // Warm-up so the timed passes run fully optimised code: at least 200 queries and half a second.
        var results = new List<HammingMatch>();
        clock.Restart();
        for (var i = 0; queries.Length > 0 && (i < 200 || clock.ElapsedMilliseconds < 500); i++)
        {
            results.Clear();
            index.Search(queries[i % queries.Length], radius, results);
        }

        var latencies = new double[queries.Length];
        var singleMatches = new List<HammingMatch>[queries.Length];
        var cpu0 = ThreadCpuClock.Seconds();
        clock.Restart();
        for (var i = 0; i < queries.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var found = new List<HammingMatch>();
            index.Search(queries[i], radius, found);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            singleMatches[i] = found;
        }
        var singleSeconds = clock.Elapsed.TotalSeconds;
        var singleCpu = ThreadCpuClock.Seconds() - cpu0;
        Array.Sort(latencies);

        var batch = new HammingBatchResults();
        // One untimed batch first, as the single lookups had their warm-up: it allocates the batch
        // scratch the index then keeps (page faults on ~50 MB at 10M) and runs the batch code once.
        index.SearchBatch(queries.AsSpan(0, Math.Min(batchSize, queries.Length)), radius, batch);
        var batchMatches = 0L;
        var batchSeconds = 0.0;
        cpu0 = ThreadCpuClock.Seconds();
        for (var start = 0; start < queries.Length; start += batchSize)
        {
            var slice = queries.AsSpan(start, Math.Min(batchSize, queries.Length - start));
            var t0 = Stopwatch.GetTimestamp();
            index.SearchBatch(slice, radius, batch);
            batchSeconds += Stopwatch.GetElapsedTime(t0).TotalSeconds;
            for (var i = 0; i < slice.Length; i++)
            {
                batchMatches += batch[i].Length;
            }
        }
        // The batch loop also counts matches, which is negligible next to the searches.
        var batchCpu = ThreadCpuClock.Seconds() - cpu0;
        var single = queries.Length / Math.Max(singleSeconds, 1e-9);
        var batched = queries.Length / Math.Max(batchSeconds, 1e-9);
        var singlePerCpu = queries.Length / Math.Max(singleCpu, 1e-9);
        var batchedPerCpu = queries.Length / Math.Max(batchCpu, 1e-9);
        log.WriteLine(FormattableString.Invariant(
            $"radius {radius}: {single:F0} lookups/s one at a time (p50 {Percentile(latencies, 0.50):F0} us, p99 {Percentile(latencies, 0.99):F0} us), {batched:F0} lookups/s in batches of {batchSize}"));
        log.WriteLine(FormattableString.Invariant(
            $"per CPU-second of the benchmark thread (excludes time the shared machine ran others): {singlePerCpu:F0} single, {batchedPerCpu:F0} batched"));

        clock.Restart();
        var expected = BruteForce(data.Haystack, queries, radius);
        var exact = true;
        long matches = 0, expectedMatches = 0;
        for (var q = 0; q < queries.Length; q++)
        {
            var got = singleMatches[q];
            got.Sort((x, y) => x.Id.CompareTo(y.Id));
            matches += got.Count;
            expectedMatches += expected[q].Count;
            exact &= got.SequenceEqual(expected[q]);
        }
        exact &= batchMatches == matches;
        log.WriteLine(FormattableString.Invariant(
            $"brute force check in {clock.Elapsed.TotalSeconds:F1} s: {matches:N0} of {expectedMatches:N0} matches, {(exact ? "identical result sets" : "RESULT SETS DIFFER")}"));

        return new IndexBenchmarkReport(count, queries.Length, radius, index.ChunkCount, buildSeconds, index.MemoryBytes, residentGrowth, buildCpu,
            single, batched, singlePerCpu, batchedPerCpu, batchSize, Percentile(latencies, 0.50), Percentile(latencies, 0.99), matches, expectedMatches, exact);
    }

    /// <summary>Matches of every query by a full scan, sorted by id; blocked so the queries stay in cache.</summary>
    public static List<HammingMatch>[] BruteForce(ReadOnlySpan<Hash256> haystack, ReadOnlySpan<Hash256> queries, int radius)
    {
        var expected = new List<HammingMatch>[queries.Length];
        for (var q = 0; q < queries.Length; q++)
        {
            expected[q] = [];
        }
        const int Block = 8192;
        for (var start = 0; start < haystack.Length; start += Block)
        {
            var block = haystack.Slice(start, Math.Min(Block, haystack.Length - start));
            for (var q = 0; q < queries.Length; q++)
            {
                var query = queries[q];
                for (var i = 0; i < block.Length; i++)
                {
                    var d = block[i].DistanceTo(query);
                    if (d <= radius)
                    {
                        expected[q].Add(new HammingMatch(start + i, d));
                    }
                }
            }
        }
        return expected;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
