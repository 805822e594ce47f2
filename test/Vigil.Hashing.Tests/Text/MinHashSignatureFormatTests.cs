using CsCheck;
using Vigil.Hashing.Text;
using static Vigil.Hashing.Tests.Text.TextCorpus;

namespace Vigil.Hashing.Tests.Text;

public class MinHashSignatureFormatTests
{
    [Fact]
    public void ToString_RoundTripsThroughParse()
    {
        var signature = TextHasher.MinHash(Manifesto);
        var text = signature.ToString();
        Assert.StartsWith("mh1:", text, StringComparison.Ordinal);
        Assert.Equal(688, text.Length);
        var parsed = MinHashSignature.Parse(text);
        Assert.Equal(signature, parsed);
        Assert.Equal(1.0, parsed.EstimateSimilarity(signature));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("abc", "must start with 'mh1:'")]
    [InlineData("mh2:AAAA", "unsupported MinHash signature version 'mh2'")]
    [InlineData("mh1:AAAA", "must be 688 characters (128 values), got 8")]
    public void Parse_RejectsMalformedInput_WithClearMessage(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => MinHashSignature.Parse(text));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RejectsNull() =>
        Assert.Contains("empty", Assert.Throws<FormatException>(() => MinHashSignature.Parse(null!)).Message, StringComparison.Ordinal);

    [Fact]
    public void Parse_ReportsPositionOfBadBase64Character()
    {
        var text = TextHasher.MinHash(Manifesto).ToString().ToCharArray();
        text[100] = '#';
        var error = Assert.Throws<FormatException>(() => MinHashSignature.Parse(new string(text)));
        Assert.Contains("invalid base64 character '#' at position 101", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RejectsBadPadding()
    {
        var text = TextHasher.MinHash(Manifesto).ToString();
        var broken = text[..^2] + "==";
        Assert.False(MinHashSignature.TryParse(broken, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryParse_NeverThrows_OnArbitraryText()
    {
        var prefix = Gen.OneOf(Gen.Const(""), Gen.Const("mh1:"), Gen.Const("mh2:"), Gen.Const("mh"));
        var body = Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=:# \u00E9\uD800"].Array[0, 700].Select(c => new string(c));
        Gen.Select(prefix, body).Sample((p, b) =>
        {
            var ok = MinHashSignature.TryParse(p + b, out var signature, out var error);
            Assert.True(ok ? signature is not null && error is null : signature is null && !string.IsNullOrEmpty(error));
        }, iter: 5_000);
    }
}
