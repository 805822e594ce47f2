using System.Security.Cryptography;
using System.Text;
using Vigil.Hashing.Text;
using static Vigil.Hashing.Tests.Text.TextCorpus;

namespace Vigil.Hashing.Tests.Text;

public class TextHasherTests
{
    public static TheoryData<string, string> ExactObfuscations => new()
    {
        { "upper case", Manifesto.ToUpperInvariant() },
        { "alternating case", AlternatingCase(Manifesto) },
        { "zero-width insertions", WithZeroWidth(Manifesto) },
        { "homoglyphs", WithHomoglyphs(Manifesto) },
        { "some homoglyphs", WithHomoglyphs(Manifesto, every: 3) },
        { "leetspeak", WithLeet(Manifesto) },
        { "extra punctuation and whitespace", WithExtraPunctuation(Manifesto) },
        { "fullwidth", Fullwidth(Manifesto) },
        { "stacked diacritics", WithDiacritics(Manifesto) },
        { "all at once", WithZeroWidth(WithHomoglyphs(WithExtraPunctuation(WithLeet(AlternatingCase(Manifesto))), every: 2)) },
    };

    [Theory]
    [MemberData(nameof(ExactObfuscations))]
    public void ExactHash_IsUnchangedByObfuscation(string obfuscation, string text)
    {
        Assert.NotEqual(Manifesto, text);
        Assert.True(TextHasher.ExactHash(Manifesto) == TextHasher.ExactHash(text), $"exact hash changed under {obfuscation}");
    }

    [Fact]
    public void ExactHash_KeepsNumbersUnderLeetspeak()
    {
        var normalized = TextNormalizer.Normalize(WithLeet(Manifesto));
        Assert.Contains(" 2024 ", normalized, StringComparison.Ordinal);
        Assert.Contains(" 10 people ", normalized, StringComparison.Ordinal);
    }

    [Fact]
    public void ExactHash_IsSha256OfUtf8NormalisedText()
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TextNormalizer.Normalize(Manifesto))));
        Assert.Equal(expected, TextHasher.ExactHash(Manifesto));
        Assert.Equal(Hash256.Parse(expected), TextHasher.ExactHash256(Manifesto));
    }

    [Fact]
    public void ExactHash_KnownVector()
    {
        // "hello world" is what "HELLO, World!!!" normalises to; SHA-256("hello world") is a published value.
        Assert.Equal("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9", TextHasher.ExactHash("HELLO, Wоrld!!!"));
    }

    [Fact]
    public void ExactHash_DiffersForChangedWording()
    {
        var changed = Manifesto.Replace("chairs", "tables", StringComparison.Ordinal);
        Assert.NotEqual(TextHasher.ExactHash(Manifesto), TextHasher.ExactHash(changed));
        foreach (var other in Unrelated)
        {
            Assert.NotEqual(TextHasher.ExactHash(Manifesto), TextHasher.ExactHash(other));
        }
    }
}
