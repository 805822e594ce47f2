using CsCheck;
using Vigil.Hashing.Text;
using Xunit.Abstractions;
using static Vigil.Hashing.Tests.Text.TextCorpus;

namespace Vigil.Hashing.Tests.Text;

public class MinHashTests(ITestOutputHelper output)
{
    private const double Threshold = NearDuplicateIndex.DefaultThreshold;

    public static TheoryData<string, string> NearDuplicates => new()
    {
        { "10 words inserted", InsertWords(Manifesto, 10, seed: 1) },
        { "25 words inserted", InsertWords(Manifesto, 25, seed: 2) },
        { "10 words deleted", DeleteWords(Manifesto, 10, seed: 3) },
        { "25 words deleted", DeleteWords(Manifesto, 25, seed: 4) },
        { "sentences reordered", ShuffleSentences(Manifesto, seed: 5) },
        { "homoglyphs", WithHomoglyphs(Manifesto) },
        { "leetspeak and zero-width", WithZeroWidth(WithLeet(Manifesto)) },
        {
            "combined: reordered, 8 inserted, 8 deleted, homoglyphs, zero-width, punctuation",
            WithZeroWidth(WithHomoglyphs(WithExtraPunctuation(DeleteWords(InsertWords(ShuffleSentences(Manifesto, 6), 8, 7), 8, 8)), every: 2))
        },
    };

    [Theory]
    [MemberData(nameof(NearDuplicates))]
    public void Similarity_IsAboveThreshold_ForObfuscatedCopies(string change, string text)
    {
        var similarity = TextHasher.MinHash(Manifesto).EstimateSimilarity(TextHasher.MinHash(text));
        output.WriteLine($"{change}: {Describe(similarity)}");
        Assert.True(similarity >= Threshold, $"{change}: similarity {Describe(similarity)} below {Threshold}");
    }

    [Fact]
    public void Similarity_IsBelowThreshold_ForUnrelatedTexts()
    {
        string[] texts = [Manifesto, .. Unrelated];
        for (var i = 0; i < texts.Length; i++)
        {
            for (var j = i + 1; j < texts.Length; j++)
            {
                var similarity = TextHasher.MinHash(texts[i]).EstimateSimilarity(TextHasher.MinHash(texts[j]));
                output.WriteLine($"text {i} vs text {j}: {Describe(similarity)}");
                Assert.True(similarity < 0.2, $"texts {i} and {j}: similarity {Describe(similarity)}");
            }
        }
    }

    [Fact]
    public void Estimate_TracksTrueJaccard()
    {
        string[] variants = [InsertWords(Manifesto, 30, 11), DeleteWords(Manifesto, 60, 12), ShuffleSentences(DeleteWords(Manifesto, 20, 13), 14), Unrelated[0]];
        var reference = Shingles(Manifesto);
        foreach (var variant in variants)
        {
            var shingles = Shingles(variant);
            var jaccard = reference.Intersect(shingles).Count() / (double)reference.Union(shingles).Count();
            var estimate = TextHasher.MinHash(Manifesto).EstimateSimilarity(TextHasher.MinHash(variant));
            output.WriteLine($"true {Describe(jaccard)} estimated {Describe(estimate)}");
            // Standard error at 128 functions is at most 0.044; 0.15 is more than three of them.
            Assert.InRange(estimate, jaccard - 0.15, jaccard + 0.15);
        }
    }

    [Fact]
    public void Similarity_OfIdenticalTextsIsOne_AndIsSymmetric()
    {
        var a = TextHasher.MinHash(Manifesto);
        var b = TextHasher.MinHash(DeleteWords(Manifesto, 30, 21));
        Assert.Equal(1.0, a.EstimateSimilarity(TextHasher.MinHash(Manifesto.ToUpperInvariant())));
        Assert.Equal(a.EstimateSimilarity(b), b.EstimateSimilarity(a));
    }

    [Fact]
    public void ShortTexts_UseCharacterShingles()
    {
        var hello = TextHasher.MinHash("Hello world");
        Assert.False(hello.IsEmpty);
        Assert.Equal(1.0, hello.EstimateSimilarity(TextHasher.MinHash("HELLO,   w0rld!")));
        var close = hello.EstimateSimilarity(TextHasher.MinHash("Hello worlds"));
        var far = hello.EstimateSimilarity(TextHasher.MinHash("Goodbye moon"));
        Assert.True(close > 0.5 && far < 0.2, $"close {Describe(close)} far {Describe(far)}");
        Assert.False(TextHasher.MinHash("hi").IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!! ... ???")]
    [InlineData("\u200B\u200D\uFEFF")]
    public void TextWithoutContent_GivesEmptySignature_SimilarToNothing(string text)
    {
        var signature = TextHasher.MinHash(text);
        Assert.True(signature.IsEmpty);
        Assert.Equal(0, signature.EstimateSimilarity(signature));
        Assert.Equal(0, signature.EstimateSimilarity(TextHasher.MinHash(Manifesto)));
    }

    [Fact]
    public void VectorisedHashing_EqualsScalarReference()
    {
        Gen.UInt.Array[0, 300].Sample(keys =>
        {
            var vectorised = new uint[MinHashSignature.Size];
            var scalar = new uint[MinHashSignature.Size];
            Array.Fill(vectorised, uint.MaxValue);
            Array.Fill(scalar, uint.MaxValue);
            MinHasher.MinOver(keys, vectorised);
            foreach (var key in keys)
            {
                MinHasher.AddShingleScalar(key, scalar);
            }
            Assert.Equal(scalar, vectorised);
        }, iter: 500);
    }

    [Fact]
    public void Signature_IsStableAcrossRuns()
    {
        // Stored signatures must stay comparable: this pins the mh1 algorithm (shingles, seeds, hash).
        var signature = TextHasher.MinHash("the quick brown fox jumps over the lazy dog");
        output.WriteLine(string.Join(", ", signature.Values[..4].ToArray()) + " ... " + signature.Values[^1]);
        Assert.Equal(PinnedHead, signature.Values[..4].ToArray());
        Assert.Equal(PinnedLast, signature.Values[^1]);
    }

    private static readonly uint[] PinnedHead = [257894305, 281188046, 169169281, 531645572];
    private const uint PinnedLast = 126588370;

    private static HashSet<string> Shingles(string text)
    {
        var words = TextNormalizer.Normalize(text).Split(' ');
        return Enumerable.Range(0, words.Length - 2).Select(i => string.Join(' ', words[i..(i + 3)])).ToHashSet(StringComparer.Ordinal);
    }
}
