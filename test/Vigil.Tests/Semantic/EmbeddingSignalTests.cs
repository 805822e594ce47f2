using System.Numerics.Tensors;
using System.Text;
using CsCheck;
using Vigil.Banks;
using Vigil.Banks.Exchanges;
using Vigil.Semantic;

namespace Vigil.Tests.Semantic;

public class EmbeddingSignalTests
{
    private static readonly Gen<float[]> Vectors = Gen.Float[-1f, 1f].Array[SentenceEmbedder.Dimensions]
        .Where(v => TensorPrimitives.Norm(v) > 0.01f);

    private static float[] Unit(float[] v)
    {
        var copy = (float[])v.Clone();
        TensorPrimitives.Divide(copy, TensorPrimitives.Norm(copy), copy);
        return copy;
    }

    [Fact]
    public void Encode_Decode_KeepsDirectionWithinQuantisationError_AndIsDeterministic()
    {
        Vectors.Sample(v =>
        {
            var signal = EmbeddingSignal.Encode(v);
            Assert.StartsWith(EmbeddingSignal.Prefix, signal, StringComparison.Ordinal);
            Assert.Equal(EmbeddingSignal.EncodedLength, signal.Length);
            Assert.Equal(signal, EmbeddingSignal.Encode(v));
            var decoded = EmbeddingSignal.Decode(signal);
            Assert.InRange(TensorPrimitives.Norm(decoded), 0.9999f, 1.0001f);
            Assert.True(TensorPrimitives.Dot(decoded, Unit(v)) >= 0.999f);
            // Re-encoding the decoded vector gives the same integers, so the text is stable.
            var again = EmbeddingSignal.Decode(EmbeddingSignal.Encode(decoded));
            Assert.All(again.Zip(decoded), p => Assert.Equal(p.Second, p.First, 1e-6f));
            Assert.True(SignalTypeNames.TryCanonicalise(SignalType.TextEmbedding, " " + signal + " ", out var canonical, out _));
            Assert.Equal(signal, canonical);
        }, iter: 200);
    }

    public static TheoryData<string, string> Malformed()
    {
        var good = EmbeddingSignal.Encode(Enumerable.Range(0, SentenceEmbedder.Dimensions).Select(i => (float)Math.Sin(i)).ToArray());
        var body = good[EmbeddingSignal.Prefix.Length..];
        var zeroScale = new byte[4 + SentenceEmbedder.Dimensions];
        zeroScale[10] = 5;
        var nanScale = (byte[])zeroScale.Clone();
        BitConverter.GetBytes(float.NaN).CopyTo(nanScale, 0);
        var zeroDims = new byte[4 + SentenceEmbedder.Dimensions];
        BitConverter.GetBytes(0.01f).CopyTo(zeroDims, 0);
        return new()
        {
            { "", "starts with 'emb1:'" },
            { "mh1:abc", "starts with 'emb1:'" },
            { "emb2:" + body, "unsupported embedding version 'emb2'" },
            { "emb1:" + body[..^4], "expected 520 base64 characters after 'emb1:', got 516" },
            { "emb1:" + body + "AAAA", "got 524" },
            { "emb1:" + body[..10] + "*" + body[11..], "invalid base64 character '*' at position 16" },
            { "emb1:" + body[..^2] + "AA", "malformed base64" },
            { "emb1:" + Convert.ToBase64String(zeroScale), "scale must be a positive finite number, got 0" },
            { "emb1:" + Convert.ToBase64String(nanScale), "scale must be a positive finite number, got NaN" },
            { "emb1:" + Convert.ToBase64String(zeroDims), "all dimensions are zero" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryDecode_RejectsMalformedSignal_WithThePreciseReason(string signal, string reason)
    {
        Assert.False(EmbeddingSignal.TryDecode(signal, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        var thrown = Assert.Throws<FormatException>(() => EmbeddingSignal.Decode(signal));
        Assert.Equal(error, thrown.Message);
    }

    [Fact]
    public void Encode_RejectsWrongLengthAndNonFiniteVectors()
    {
        Assert.Throws<ArgumentException>(() => EmbeddingSignal.Encode(new float[10]));
        var v = new float[SentenceEmbedder.Dimensions];
        v[3] = float.NaN;
        Assert.Throws<ArgumentException>(() => EmbeddingSignal.Encode(v));
    }

    [Fact]
    public void SignalType_HasNameAndAliases()
    {
        Assert.Equal("text_embedding", SignalType.TextEmbedding.Name());
        foreach (var alias in new[] { "text_embedding", "TEXT_EMBEDDING", "embedding", "text_semantic" })
        {
            Assert.True(SignalTypeNames.TryParse(alias, out var t));
            Assert.Equal(SignalType.TextEmbedding, t);
        }
    }

    [Fact]
    public void SignalsAndCsvExchanges_RoundTripEmbeddingEntries()
    {
        var a = EmbeddingSignal.Encode(Enumerable.Range(0, SentenceEmbedder.Dimensions).Select(i => (float)Math.Sin(i)).ToArray());
        var b = EmbeddingSignal.Encode(Enumerable.Range(0, SentenceEmbedder.Dimensions).Select(i => (float)Math.Cos(i * 3)).ToArray());
        var lines = $"text_embedding {a}\nembedding {b}\n";
        var parsed = ExchangeFormats.Parse(ExchangeFormat.Signals, "s.txt", Encoding.UTF8.GetBytes(lines));
        Assert.Equal([(SignalType.TextEmbedding, a), (SignalType.TextEmbedding, b)], parsed.Records.Select(r => (r.Type, r.Signal)));

        foreach (var format in new[] { ExchangeFormat.Signals, ExchangeFormat.Csv })
        {
            using var output = new MemoryStream();
            ExchangeFormats.Write(format, output, parsed.Records);
            var again = ExchangeFormats.Parse(format, "x", output.ToArray());
            Assert.Equal(parsed.Records.Select(r => (r.Type, r.Signal)), again.Records.Select(r => (r.Type, r.Signal)));
        }
    }

    [Fact]
    public void SignalsExchange_RejectsMalformedEmbedding_WithLineAndField()
    {
        var good = EmbeddingSignal.Encode(Enumerable.Range(0, SentenceEmbedder.Dimensions).Select(i => (float)Math.Sin(i)).ToArray());
        var e = Assert.Throws<ExchangeFormatException>(() =>
            ExchangeFormats.Parse(ExchangeFormat.Signals, "s.txt", Encoding.UTF8.GetBytes($"text_embedding {good}\ntext_embedding emb1:AAAA\n")));
        Assert.Contains("s.txt:2", e.Message, StringComparison.Ordinal);
        Assert.Contains("'signal'", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected 520 base64 characters", e.Message, StringComparison.Ordinal);
    }
}
