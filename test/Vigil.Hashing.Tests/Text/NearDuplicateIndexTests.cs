using CsCheck;
using Vigil.Hashing.Text;
using static Vigil.Hashing.Tests.Text.TextCorpus;

namespace Vigil.Hashing.Tests.Text;

public class NearDuplicateIndexTests
{
    private static NearDuplicateIndex CorpusIndex()
    {
        var index = new NearDuplicateIndex();
        index.Add("manifesto", TextHasher.MinHash(Manifesto));
        for (var i = 0; i < Unrelated.Length; i++)
        {
            index.Add($"unrelated-{i}", TextHasher.MinHash(Unrelated[i]));
        }
        return index;
    }

    [Fact]
    public void Query_FindsObfuscatedCopy()
    {
        var index = CorpusIndex();
        var copy = WithZeroWidth(WithHomoglyphs(DeleteWords(InsertWords(ShuffleSentences(Manifesto, 1), 8, 2), 8, 3), every: 2));
        var matches = index.Query(TextHasher.MinHash(copy));
        var match = Assert.Single(matches);
        Assert.Equal("manifesto", match.Id);
        Assert.InRange(match.Similarity, NearDuplicateIndex.DefaultThreshold, 1.0);
    }

    [Fact]
    public void Query_FindsNothingForUnrelatedText()
    {
        var index = CorpusIndex();
        var unrelated = "Migrating birds navigate using a combination of cues: the position of the sun during the day, the pattern of stars "
            + "at night, the earth's magnetic field, and landmarks such as coastlines and mountain ranges. Young birds on their first "
            + "journey often rely on an inherited direction and distance, which is why storms can carry them far off course.";
        Assert.Empty(index.Query(TextHasher.MinHash(unrelated)));
    }

    [Fact]
    public void Query_OrdersBySimilarity_AndHonoursThreshold()
    {
        var index = new NearDuplicateIndex();
        index.Add("exact", TextHasher.MinHash(Manifesto));
        index.Add("light-edit", TextHasher.MinHash(InsertWords(Manifesto, 5, 1)));
        index.Add("heavy-edit", TextHasher.MinHash(DeleteWords(InsertWords(Manifesto, 40, 2), 40, 3)));
        var all = index.Query(TextHasher.MinHash(Manifesto), threshold: 0.1);
        Assert.Equal(["exact", "light-edit", "heavy-edit"], all.Select(m => m.Id));
        Assert.Equal(1.0, all[0].Similarity);
        var strict = index.Query(TextHasher.MinHash(Manifesto), threshold: 0.8);
        Assert.All(strict, m => Assert.True(m.Similarity >= 0.8));
        Assert.DoesNotContain(strict, m => m.Id == "heavy-edit");
    }

    [Fact]
    public void Add_RejectsDuplicateId()
    {
        var index = CorpusIndex();
        var error = Assert.Throws<ArgumentException>(() => index.Add("manifesto", TextHasher.MinHash("another text entirely here")));
        Assert.Contains("'manifesto' is already in the index", error.Message, StringComparison.Ordinal);
        Assert.Equal(1 + Unrelated.Length, index.Count);
    }

    [Fact]
    public void Add_RejectsEmptySignature()
    {
        var error = Assert.Throws<ArgumentException>(() => new NearDuplicateIndex().Add("blank", TextHasher.MinHash(" !!! ")));
        Assert.Contains("no content after normalisation", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Query_RejectsThresholdOutsideUnitInterval(double threshold) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CorpusIndex().Query(TextHasher.MinHash(Manifesto), threshold));

    [Theory]
    [InlineData(0, 3)]
    [InlineData(3, 0)]
    [InlineData(43, 3)]
    public void Constructor_RejectsBandingThatDoesNotFit(int bands, int rows) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new NearDuplicateIndex(bands, rows));

    [Fact]
    public void Query_OfEmptySignatureOrEmptyIndex_IsEmpty()
    {
        Assert.Empty(CorpusIndex().Query(TextHasher.MinHash("")));
        Assert.Empty(new NearDuplicateIndex().Query(TextHasher.MinHash(Manifesto)));
    }

    [Fact]
    public void Query_AgreesWithBruteForce_OnRandomCorpora()
    {
        // Texts drawn from a small vocabulary so that similarities spread over the whole range.
        var vocabulary = Words(Manifesto).Take(60).ToArray();
        var gen = Gen.Int[0, vocabulary.Length - 1].Array[3, 40].Select(ids => string.Join(' ', ids.Select(i => vocabulary[i])));
        Gen.Select(gen.Array[1, 25], gen).Sample((stored, query) =>
        {
            var index = new NearDuplicateIndex();
            var signatures = stored.Select(TextHasher.MinHash).ToArray();
            for (var i = 0; i < signatures.Length; i++)
            {
                if (!signatures[i].IsEmpty)
                {
                    index.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), signatures[i]);
                }
            }
            var q = TextHasher.MinHash(query);
            var found = index.Query(q, 0.3).ToDictionary(m => m.Id, m => m.Similarity);
            for (var i = 0; i < signatures.Length; i++)
            {
                var id = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var similarity = signatures[i].EstimateSimilarity(q);
                if (found.TryGetValue(id, out var reported))
                {
                    Assert.Equal(similarity, reported); // candidates are re-checked against the full signature
                }
                else
                {
                    // LSH may miss a borderline pair, but at 0.75 a miss has probability (1 - 0.75^3)^42 < 1e-9.
                    Assert.True(similarity < 0.75, $"missed {id} at similarity {similarity}");
                }
                Assert.True(!found.ContainsKey(id) || similarity >= 0.3);
            }
        }, iter: 300);
    }
}
