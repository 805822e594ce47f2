using CsCheck;
using Vigil.Semantic;

namespace Vigil.Tests.Semantic;

public class SemanticIndexTests
{
    private const int Dims = 16;

    /// <summary>The reference: scalar cosine over every vector, sorted, no SIMD and no heap.</summary>
    private static List<(long Id, double Similarity)> BruteForce(IReadOnlyDictionary<long, float[]> vectors, float[] query, int k, float min)
    {
        static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
        var qn = Norm(query);
        return vectors
            .Select(p => (p.Key, Similarity: p.Value.Zip(query).Sum(z => (double)z.First * z.Second) / (Norm(p.Value) * qn)))
            .Where(p => p.Similarity >= min)
            .OrderByDescending(p => p.Similarity).ThenBy(p => p.Key)
            .Take(k).ToList();
    }

    private static readonly Gen<float[]> Vector = Gen.Float[-1f, 1f].Array[Dims].Where(v => v.Any(x => Math.Abs(x) > 0.01f));

    [Fact]
    public void Search_EqualsScalarBruteForce_AfterAddsReplacementsAndRemovals()
    {
        var gen = Gen.Select(Vector.Array[1, 60], Gen.Int[0, 30].Array[0, 20], Vector, Gen.Int[0, 12], Gen.Float[-0.5f, 0.9f]);
        gen.Sample((vectors, removals, query, k, min) =>
        {
            var index = new SemanticIndex(Dims, capacity: 2);
            var reference = new Dictionary<long, float[]>();
            for (var i = 0; i < vectors.Length; i++)
            {
                // Ids repeat every 40 vectors: later ones replace earlier ones.
                var id = (long)(i % 40) * 7;
                index.Add(id, vectors[i]);
                reference[id] = vectors[i];
            }
            foreach (var r in removals)
            {
                var id = (long)r * 7;
                Assert.Equal(reference.Remove(id), index.Remove(id));
            }
            Assert.Equal(reference.Count, index.Count);

            var found = index.Search(query, k, min);
            var expected = BruteForce(reference, query, k, min);
            // Same neighbours in the same order, unless two similarities tie within float rounding.
            Assert.Equal(expected.Count, found.Count);
            for (var i = 0; i < found.Count; i++)
            {
                Assert.Equal(expected[i].Similarity, found[i].Similarity, 1e-4);
                if (i + 1 >= expected.Count || Math.Abs(expected[i].Similarity - expected[i + 1].Similarity) > 1e-4)
                {
                    Assert.Equal(expected.Take(i + 1).Select(e => e.Id).Order(), found.Take(i + 1).Select(f => f.Id).Order());
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void Search_OnEmptyIndexOrZeroQuery_FindsNothing_AndWrongDimensionsThrow()
    {
        var index = new SemanticIndex(Dims);
        Assert.Empty(index.Search(new float[Dims], 5));
        index.Add(1, Enumerable.Repeat(1f, Dims).ToArray());
        Assert.Empty(index.Search(new float[Dims], 5));
        Assert.Empty(index.Search(Enumerable.Repeat(1f, Dims).ToArray(), 0));
        Assert.Equal(1f, Assert.Single(index.Search(Enumerable.Repeat(2f, Dims).ToArray(), 5)).Similarity, 5);
        Assert.Throws<ArgumentException>(() => index.Add(2, new float[Dims + 1]));
        Assert.Throws<ArgumentException>(() => index.Search(new float[3], 1));
        Assert.False(index.Remove(99));
        Assert.True(index.Remove(1));
        Assert.Equal(0, index.Count);
    }
}
