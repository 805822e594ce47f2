using System.Diagnostics;
using Vigil.Hashing.Index;

namespace Vigil.Hashing.Tests.Index;

public class HammingIndexTests
{
    private static readonly Hash256 A = Hash256.Parse("f162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c95");

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(256)]
    public void EmptyIndex_FindsNothing(int radius)
    {
        using var index = new HammingIndex();
        Assert.Equal(0, index.Count);
        Assert.Empty(index.Search(A, radius));
        Assert.Empty(index.Search(Hash256.Zero, radius));
        Assert.Equal(0, index.SearchBatch([A, Hash256.Zero], radius).TotalMatches);
        using var built = HammingIndex.Build([], []);
        Assert.Empty(built.Search(A, radius));
    }

    [Fact]
    public void RadiusZero_FindsOnlyIdenticalHashes()
    {
        using var index = HammingIndex.Build([A, A.FlipBit(0), A.FlipBit(255), A], [1, 2, 3, 4]);
        Assert.Equal([new HammingMatch(1, 0), new HammingMatch(4, 0)], IndexTestData.Sorted(index.Search(A, 0)));
        Assert.Equal([new HammingMatch(3, 0)], index.Search(A.FlipBit(255), 0));
    }

    [Fact]
    public void Radius256_FindsEverything()
    {
        var random = new Random(1);
        var hashes = Enumerable.Range(0, 500).Select(_ => IndexTestData.RandomHash(random)).Append(new Hash256(~0UL, ~0UL, ~0UL, ~0UL)).ToArray();
        var ids = Enumerable.Range(0, hashes.Length).Select(i => (long)i).ToArray();
        using var index = HammingIndex.Build(hashes, ids);
        var all = index.Search(Hash256.Zero, 256);
        Assert.Equal(hashes.Length, all.Count);
        Assert.Contains(new HammingMatch(hashes.Length - 1, 256), all);
        var results = new List<HammingMatch>();
        index.Search(Hash256.Zero, 256, results, SearchStrategy.Probe);
        Assert.Equal(IndexTestData.Sorted(all), IndexTestData.Sorted(results));
    }

    [Fact]
    public void DuplicateHashesWithDifferentIds_AreAllReturned()
    {
        using var index = HammingIndex.Build([A, A, A], [30, 10, 20]);
        index.Add(40, A);
        Assert.Equal([10L, 20, 30, 40], index.Search(A, 0).Select(m => m.Id).Order());
        Assert.True(index.Remove(20));
        Assert.Equal([10L, 30, 40], index.Search(A.FlipBit(7), 1).Select(m => m.Id).Order());
    }

    [Fact]
    public void RemoveThenReAdd_ReturnsTheNewHashOnly()
    {
        var moved = A.FlipBit(3).FlipBit(100).FlipBit(200);
        using var index = HammingIndex.Build([A, Hash256.Zero], [5, 6]);
        Assert.True(index.Remove(5));
        Assert.Empty(index.Search(A, 10));
        Assert.Equal(1, index.Count);
        index.Add(5, moved);
        Assert.Equal([new HammingMatch(5, 3)], index.Search(A, 10));
        Assert.Equal([new HammingMatch(5, 0)], index.Search(moved, 0));
        Assert.True(index.Remove(5));
        Assert.False(index.Remove(5));
        index.Add(5, A);
        Assert.Equal([new HammingMatch(5, 0)], index.Search(A, 0));
        Assert.Equal(2, index.Count);
    }

    [Fact]
    public void Compact_KeepsResultsAndEmptiesTheDelta()
    {
        var random = new Random(2);
        var hashes = Enumerable.Range(0, 2000).Select(_ => IndexTestData.RandomHash(random)).ToArray();
        var ids = Enumerable.Range(0, hashes.Length).Select(i => (long)i).ToArray();
        using var index = HammingIndex.Build(hashes, ids, new HammingIndexOptions { CompactionFraction = 0 });
        for (var i = 0; i < 100; i++)
        {
            index.Add(10_000 + i, IndexTestData.FlipRandomBits(hashes[i], i % 40, random));
            Assert.True(index.Remove(i * 3));
        }
        Assert.Equal(100, index.PendingAdds);
        var before = Enumerable.Range(0, 50).Select(i => IndexTestData.Sorted(index.Search(hashes[i], 31))).ToList();
        index.Compact();
        Assert.Equal(0, index.PendingAdds);
        Assert.Equal(2000, index.Count);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(before[i], IndexTestData.Sorted(index.Search(hashes[i], 31)));
        }
    }

    [Fact]
    public void AutomaticCompaction_HappensWhenTheDeltaGrows()
    {
        var random = new Random(3);
        using var index = new HammingIndex(new HammingIndexOptions { CompactionFraction = 0.5, MinDeltaForCompaction = 10 });
        var model = new List<(long, Hash256)>();
        for (var i = 0; i < 300; i++)
        {
            var h = IndexTestData.RandomHash(random);
            index.Add(i, h);
            model.Add((i, h));
        }
        Assert.True(index.PendingAdds < 300, "the delta was never compacted");
        Assert.Equal(300, index.Count);
        foreach (var (_, h) in model.Take(20))
        {
            Assert.Equal(IndexTestData.BruteForce(model, h, 100), IndexTestData.Sorted(index.Search(h, 100)));
        }
    }

    [Fact]
    public void BadArguments_GetPreciseErrors()
    {
        using var index = HammingIndex.Build([A, Hash256.Zero], [1, 2]);
        var radius = Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(A, 257));
        Assert.Equal("maxDistance", radius.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(A, -1));
        var added = Assert.Throws<ArgumentException>(() => index.Add(2, A));
        Assert.Contains("id 2 is already in the index", added.Message, StringComparison.Ordinal);
        var duplicate = Assert.Throws<ArgumentException>(() => HammingIndex.Build([A, A, A], [7, 8, 7]));
        Assert.Contains("id 7 appears more than once (at indexes 0 and 2)", duplicate.Message, StringComparison.Ordinal);
        var lengths = Assert.Throws<ArgumentException>(() => HammingIndex.Build([A, A], [1]));
        Assert.Contains("hashes has 2 entries but ids has 1", lengths.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HammingIndex(new HammingIndexOptions { ChunkCount = 10 }));
        Assert.False(index.Remove(99));
    }

    [Fact]
    public void DisposedIndex_RefusesEveryCall()
    {
        var index = HammingIndex.Build([A], [1]);
        index.Dispose();
        index.Dispose();
        Assert.Throws<ObjectDisposedException>(() => index.Search(A, 3));
        Assert.Throws<ObjectDisposedException>(() => index.Add(2, A));
        Assert.Throws<ObjectDisposedException>(() => index.Remove(1));
        Assert.Throws<ObjectDisposedException>(index.Compact);
        Assert.Throws<ObjectDisposedException>(() => index.Count);
    }

    [Fact]
    public async Task ConcurrentBatches_ShareThePooledScratchSafely_AndEqualSingleSearches()
    {
        var random = new Random(11);
        var hashes = new Hash256[20_000];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = IndexTestData.RandomHash(random);
        }
        var queries = new Hash256[400];
        for (var q = 0; q < queries.Length; q++)
        {
            // Every query has a stored neighbour within the radius.
            queries[q] = IndexTestData.FlipRandomBits(hashes[random.Next(hashes.Length)], random.Next(0, 32), random);
        }
        using var index = HammingIndex.Build(hashes, Enumerable.Range(0, hashes.Length).Select(i => (long)i).ToArray());
        var expected = queries.Select(q => IndexTestData.Sorted(index.Search(q, 31))).ToArray();
        Assert.All(expected, e => Assert.NotEmpty(e));

        // Batches of different sizes (all >= 64, so sorted) from four threads at once.
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            var results = new HammingBatchResults();
            for (var round = 0; round < 5; round++)
            {
                var start = (w * 37) + (round * 11);
                var length = 64 + (w * 40) + round;
                index.SearchBatch(queries.AsSpan(start, length), 31, results);
                for (var q = 0; q < length; q++)
                {
                    Assert.Equal(expected[start + q], IndexTestData.Sorted(results[q].ToArray()));
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
    }

    [Fact]
    public async Task ConcurrentSearches_DuringAddsRemovesAndCompactions_StayExact()
    {
        var random = new Random(9);
        var hashes = Enumerable.Range(0, 3000).Select(_ => IndexTestData.RandomHash(random)).ToArray();
        var stable = hashes.Take(100).ToArray();
        var ids = Enumerable.Range(0, hashes.Length).Select(i => (long)i).ToArray();
        using var index = HammingIndex.Build(hashes, ids, new HammingIndexOptions { CompactionFraction = 0.05, MinDeltaForCompaction = 50 });
        // Ids 0..99 are never touched, so their matches must be found by every search, whatever the writer does.
        var expected = stable.Select(h => index.Search(h, 20).Where(m => m.Id < 100).Select(m => m.Id).Order().ToArray()).ToArray();
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            var checks = 0;
            var results = new List<HammingMatch>();
            while (!stop.IsCancellationRequested || checks == 0)
            {
                var q = checks % stable.Length;
                results.Clear();
                index.Search(stable[q], 20, results);
                Assert.Equal(expected[q], results.Where(m => m.Id < 100).Select(m => m.Id).Order().ToArray());
                checks++;
            }
            return checks;
        });
        for (var i = 0; i < 600; i++)
        {
            index.Add(10_000 + i, IndexTestData.FlipRandomBits(stable[i % 100], i % 25, random));
            Assert.True(index.Remove(100 + i));
        }
        stop.Cancel();
        Assert.True(await reader > 0);
        Assert.Equal(3000, index.Count);
    }

    [Fact]
    public void OneMillionRandomHashes_WithPlantedNeighbours_MatchBruteForceAtRadius31()
    {
        const int Count = 1_000_000;
        const int Queries = 40;
        var random = new Random(42);
        var hashes = new Hash256[Count];
        for (var i = 0; i < Count; i++)
        {
            hashes[i] = IndexTestData.RandomHash(random);
        }
        var queries = new Hash256[Queries];
        for (var q = 0; q < Queries; q++)
        {
            queries[q] = IndexTestData.RandomHash(random);
            // Neighbours on both sides of the radius: 0..40 flips, planted at random positions.
            for (var k = 0; k <= 40; k += 4)
            {
                hashes[random.Next(Count)] = IndexTestData.FlipRandomBits(queries[q], k, random);
            }
        }
        var ids = Enumerable.Range(0, Count).Select(i => (long)i).ToArray();
        var clock = Stopwatch.StartNew();
        using var index = HammingIndex.Build(hashes, ids);
        var buildSeconds = clock.Elapsed.TotalSeconds;
        Assert.True(buildSeconds < 20, $"build took {buildSeconds:F1} s");
        Assert.False(index.ScanIsCheaper(31));

        var batch = index.SearchBatch(queries, 31);
        // 40 queries take the per-query pipeline automatically; force the sorted one as well.
        var sortedBatch = new HammingBatchResults();
        index.SearchBatch(queries, 31, sortedBatch, sorted: true, maxCandidates: 1 << 23);
        var planted = 0;
        for (var q = 0; q < Queries; q++)
        {
            var expected = new List<HammingMatch>();
            for (var i = 0; i < Count; i++)
            {
                var d = hashes[i].DistanceTo(queries[q]);
                if (d <= 31)
                {
                    expected.Add(new HammingMatch(i, d));
                }
            }
            planted += expected.Count;
            Assert.Equal(expected, IndexTestData.Sorted(index.Search(queries[q], 31)));
            Assert.Equal(expected, IndexTestData.Sorted(batch[q].ToArray()));
            Assert.Equal(expected, IndexTestData.Sorted(sortedBatch[q].ToArray()));
        }
        Assert.True(planted >= Queries * 6, $"only {planted} planted neighbours within 31");
    }
}
