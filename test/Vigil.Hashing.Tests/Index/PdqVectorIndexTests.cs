using Vigil.Hashing.Index;

namespace Vigil.Hashing.Tests.Index;

public class PdqVectorIndexTests
{
    private static readonly List<Hash256> Haystack = HashFile.ReadHex(IndexTestData.SharedPath("vectors", "pdq", "haystack.txt"));
    private static readonly List<Hash256> Needles = HashFile.ReadHex(IndexTestData.SharedPath("vectors", "pdq", "needles.txt"));

    [Theory]
    [InlineData(null)]
    [InlineData(24)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    public void EveryNeedle_AtEveryDistanceUpTo63_MatchesBruteForce_OnBothPaths(int? chunkCount)
    {
        Assert.Equal(1350, Haystack.Count);
        Assert.Equal(100, Needles.Count);
        var ids = Enumerable.Range(0, Haystack.Count).Select(i => (long)i * 7).ToArray();
        using var index = HammingIndex.Build(Haystack.ToArray(), ids, new HammingIndexOptions { ChunkCount = chunkCount });
        var entries = ids.Zip(Haystack).ToList();
        var results = new List<HammingMatch>();
        var nonEmpty = 0;
        foreach (var needle in Needles)
        {
            for (var radius = 0; radius <= 63; radius++)
            {
                var expected = IndexTestData.BruteForce(entries, needle, radius);
                nonEmpty += expected.Count > 0 ? 1 : 0;
                foreach (var strategy in new[] { SearchStrategy.Auto, SearchStrategy.Probe, SearchStrategy.Scan })
                {
                    results.Clear();
                    index.Search(needle, radius, results, strategy);
                    Assert.Equal(results.Count, results.Select(m => m.Id).Distinct().Count());
                    Assert.Equal(expected, IndexTestData.Sorted(results));
                }
            }
        }
        // The vectors are near-duplicates: most needles must have neighbours, or this test proves little.
        Assert.True(nonEmpty > 1000, $"only {nonEmpty} non-empty (needle, radius) pairs");
    }

    [Fact]
    public void BatchSearch_OverTheVectors_EqualsOneQueryAtATime()
    {
        var ids = Enumerable.Range(0, Haystack.Count).Select(i => (long)i).ToArray();
        using var index = HammingIndex.Build(Haystack.ToArray(), ids);
        var batch = index.SearchBatch(Needles.ToArray(), 31);
        Assert.Equal(Needles.Count, batch.QueryCount);
        for (var i = 0; i < Needles.Count; i++)
        {
            Assert.Equal(IndexTestData.Sorted(index.Search(Needles[i], 31)), IndexTestData.Sorted(batch[i].ToArray()));
        }
        Assert.True(batch.TotalMatches > 0);
    }
}
