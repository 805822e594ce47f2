using CsCheck;
using Vigil.Hashing.Index;

namespace Vigil.Hashing.Tests.Index;

public class HammingIndexPropertyTests
{
    private static readonly Gen<Hash256> GenHash =
        Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong, (a, b, c, d) => new Hash256(a, b, c, d));

    // Up to 40 bit positions to flip (a repeated position flips back, so k ends up 0..40).
    private static readonly Gen<int[]> GenFlips = Gen.Int[0, 255].Array[0, 40];

    private static readonly Gen<Op> GenOp =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, int.MaxValue], GenFlips, (kind, pick, flips) => new Op(kind, pick, flips));

    private static readonly Gen<Scenario> GenScenario = Gen.Select(
        GenHash.Array[0, 150],
        GenHash.Array[1, 4],
        GenFlips.Array[0, 60],
        GenOp.Array[0, 40],
        Gen.Int[0, 64],
        Gen.OneOf<int?>(null, 16, 24, 64),
        (randoms, queries, planted, ops, radius, chunks) => new Scenario(randoms, queries, planted, ops, radius, chunks));

    // Batches large enough (up to 100 queries) for the automatic choice to take the sorted path
    // (64 or more), and a cap on held candidates from 1 (a verify pass after every candidate and one
    // query per sub-batch) to the default.
    private static readonly Gen<Scenario> GenBatchScenario = Gen.Select(
        GenHash.Array[0, 400],
        GenHash.Array[1, 100],
        GenFlips.Array[0, 150],
        GenOp.Array[0, 25],
        Gen.Int[0, 48],
        Gen.OneOf<int?>(null, 16, 24),
        Gen.OneOf(Gen.Const(1), Gen.Int[2, 300], Gen.Const(1 << 23)),
        (randoms, queries, planted, ops, radius, chunks, maxCandidates) =>
            new Scenario(randoms, queries, planted, ops, radius, chunks) { MaxCandidates = maxCandidates });

    [Fact]
    public void Search_WithPlantedNeighboursAndInterleavedAddsAndRemoves_EqualsBruteForce()
    {
        GenScenario.Sample(Check, iter: 150, threads: 1);
    }

    [Fact]
    public void SearchBatch_WithPlantedNeighboursAndInterleavedAddsAndRemoves_EqualsSearchAndBruteForce()
    {
        GenBatchScenario.Sample(Check, iter: 60, threads: 1);
    }

    private static void Check(Scenario s)
    {
        var model = new Dictionary<long, Hash256>();
        var hashes = new List<Hash256>(s.Randoms);
        for (var i = 0; i < s.Planted.Length; i++)
        {
            hashes.Add(Flip(s.Queries[i % s.Queries.Length], s.Planted[i]));
        }
        var ids = new long[hashes.Count];
        for (var i = 0; i < hashes.Count; i++)
        {
            // Unordered, sparse ids exercise the sort-by-id path of Build.
            ids[i] = ((long)(hashes.Count - i) * 1_000_003) - 5_000_000;
            model[ids[i]] = hashes[i];
        }
        // Tiny compaction thresholds so that compactions happen in the middle of the sequence.
        var options = new HammingIndexOptions { ChunkCount = s.ChunkCount, CompactionFraction = 0.1, MinDeltaForCompaction = 3, MaxBuildParallelism = 1 };
        using var index = HammingIndex.Build(hashes.ToArray(), ids, options);
        var nextId = 10_000_000L;
        AssertEqualsModel(index, model, s, 0);
        for (var step = 0; step < s.Ops.Length; step++)
        {
            var op = s.Ops[step];
            var live = model.Keys.Order().ToList();
            switch (op.Kind)
            {
                case 0:
                    var added = Flip(s.Queries[op.Pick % s.Queries.Length], op.Flips);
                    index.Add(nextId, added);
                    model[nextId++] = added;
                    break;
                case 1 when live.Count > 0:
                    var near = Flip(model[live[op.Pick % live.Count]], op.Flips);
                    index.Add(nextId, near);
                    model[nextId++] = near;
                    break;
                case 2 when live.Count > 0:
                    var removed = live[op.Pick % live.Count];
                    Assert.True(index.Remove(removed));
                    model.Remove(removed);
                    Assert.False(index.Remove(removed));
                    break;
                case 3 when live.Count > 0:
                    var readded = live[op.Pick % live.Count];
                    Assert.True(index.Remove(readded));
                    var moved = Flip(s.Queries[op.Pick % s.Queries.Length], op.Flips);
                    index.Add(readded, moved);
                    model[readded] = moved;
                    break;
                default:
                    break;
            }
            AssertEqualsModel(index, model, s, step + 1);
        }
    }

    private static void AssertEqualsModel(HammingIndex index, Dictionary<long, Hash256> model, Scenario s, int step)
    {
        Assert.Equal(model.Count, index.Count);
        var entries = model.Select(kv => (kv.Key, kv.Value)).ToList();
        var results = new List<HammingMatch>();
        foreach (var query in s.Queries)
        {
            var expected = IndexTestData.BruteForce(entries, query, s.Radius);
            foreach (var strategy in new[] { SearchStrategy.Auto, SearchStrategy.Probe })
            {
                results.Clear();
                index.Search(query, s.Radius, results, strategy);
                Assert.True(expected.SequenceEqual(IndexTestData.Sorted(results)),
                    $"step {step}, radius {s.Radius}, {strategy}: expected {expected.Count} matches, got {results.Count}");
            }
        }
        if (s.MaxCandidates is not { } maxCandidates)
        {
            return;
        }
        // Every batch path: automatic, sorted with the candidate cap, and one query at a time.
        var batch = new HammingBatchResults();
        var expectedAll = s.Queries.Select(q => IndexTestData.BruteForce(entries, q, s.Radius)).ToArray();
        var singleAll = s.Queries.Select(q => IndexTestData.Sorted(index.Search(q, s.Radius))).ToArray();
        foreach (var sorted in new bool?[] { null, true, false })
        {
            index.SearchBatch(s.Queries, s.Radius, batch, sorted, maxCandidates);
            Assert.Equal(s.Queries.Length, batch.QueryCount);
            for (var q = 0; q < s.Queries.Length; q++)
            {
                var expected = expectedAll[q];
                var single = singleAll[q];
                var batched = IndexTestData.Sorted(batch[q].ToArray());
                Assert.True(expected.SequenceEqual(single) && expected.SequenceEqual(batched),
                    $"step {step}, radius {s.Radius}, sorted {sorted}, cap {maxCandidates}, query {q}: expected {expected.Count} matches, search {single.Count}, batch {batched.Count}");
            }
        }
    }

    private static Hash256 Flip(Hash256 hash, int[] bits)
    {
        foreach (var bit in bits)
        {
            hash = hash.FlipBit(bit);
        }
        return hash;
    }

    internal sealed record Op(int Kind, int Pick, int[] Flips);

    internal sealed record Scenario(Hash256[] Randoms, Hash256[] Queries, int[][] Planted, Op[] Ops, int Radius, int? ChunkCount)
    {
        /// <summary>Set for batch scenarios: the cap on candidates held between verify passes.</summary>
        public int? MaxCandidates { get; init; }
    }
}
