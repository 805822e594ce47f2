using System.Numerics.Tensors;
using Vigil.Semantic;
using Xunit.Abstractions;

namespace Vigil.Tests.Semantic;

/// <summary>
/// Tests that run the real model. They share the process-wide <see cref="SemanticModel.Shared"/>
/// (loading it costs seconds) and embed only the evaluation set once.
/// </summary>
public class SemanticModelTests(ITestOutputHelper output)
{
    private static readonly Lazy<SemanticEvaluation> Evaluation = new(() => new SemanticEvaluation(SemanticModel.Shared));

    [Fact]
    public void Embed_IsDeterministic_UnitLength_AndBatchEqualsSingle()
    {
        var e = SemanticModel.Shared;
        var texts = ParaphraseSet.Groups.Take(5).Select(g => g.Base).Append("a much longer sentence about the weather, the trains and the price of bread in town").ToList();
        var batch = e.Embed(texts);
        for (var i = 0; i < texts.Count; i++)
        {
            var single = e.Embed(texts[i]);
            Assert.Equal(single, e.Embed(texts[i]));
            Assert.Equal(SentenceEmbedder.Dimensions, single.Length);
            Assert.InRange(TensorPrimitives.Norm(single), 0.9999f, 1.0001f);
            // Padding in a batch may move the last bits, never the meaning.
            Assert.True(TensorPrimitives.Dot(single, batch[i]) > 0.9999f);
        }
        Assert.All(e.Embed(["", "  ?! "]), v => Assert.All(v, x => Assert.Equal(0f, x)));
    }

    [Fact]
    public void Embed_FromManyThreads_GivesTheSameVectors()
    {
        var e = SemanticModel.Shared;
        var texts = ParaphraseSet.Unrelated.Take(8).ToArray();
        var expected = texts.Select(e.Embed).ToArray();
        var got = new float[texts.Length][];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => got[i] = e.Embed(texts[i]));
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(TensorPrimitives.Dot(expected[i], got[i]) > 0.9999f);
        }
    }

    [Fact]
    public void ParaphraseSet_AtDefaultThreshold_MeetsMeasuredPrecisionAndRecall()
    {
        var eval = Evaluation.Value;
        output.WriteLine(eval.Report());
        var (precision, recall, _, _) = eval.At(SemanticModel.DefaultMinSimilarity);
        // Measured on this set (docs/semantic.md); the bounds leave a little room for ONNX Runtime versions.
        Assert.True(precision >= PrecisionBound, $"precision {precision:0.000}");
        Assert.True(recall >= RecallBound, $"recall {recall:0.000}");
        // No news report or counter-speech sentence reaches the default threshold.
        Assert.All(eval.Negatives, v => Assert.True(eval.Best(v).Similarity < SemanticModel.DefaultMinSimilarity));
    }

    // At the default 0.75 this set measured precision 1.000 and recall 0.800 (48 of 60 paraphrases).
    private const double PrecisionBound = 0.98;
    private const double RecallBound = 0.75;

    [Fact]
    public void Normalisation_FoldsLeetspeakAndHomoglyphs_AndOtherLanguagesMatchWeakly()
    {
        var eval = Evaluation.Value;
        using var raw = new SentenceEmbedder(normalizeText: false);
        var rawBank = raw.Embed(ParaphraseSet.Groups.Select(g => g.Base).ToList());
        double normalisedSum = 0, rawSum = 0;
        foreach (var (b, text) in ParaphraseSet.Obfuscated)
        {
            var n = TensorPrimitives.Dot(SemanticModel.Shared.Embed(text), eval.Bank[b]);
            var r = TensorPrimitives.Dot(raw.Embed(text), rawBank[b]);
            output.WriteLine($"obfuscated #{b}: normalised {n:0.000} raw {r:0.000}  '{text}'");
            normalisedSum += n;
            rawSum += r;
        }
        // Paraphrases without obfuscation: does normalising (punctuation dropped) cost anything?
        var pairs = ParaphraseSet.Groups.SelectMany((g, i) => g.Paraphrases.Select(p => (Base: i, Text: p))).ToList();
        var rawPositives = pairs.Zip(raw.Embed(pairs.Select(p => p.Text).ToList()), (p, v) => (double)TensorPrimitives.Dot(v, rawBank[p.Base])).Average();
        var normPositives = eval.Positives.Average(p => (double)TensorPrimitives.Dot(p.Vector, eval.Bank[p.Base]));
        output.WriteLine($"plain paraphrases mean cosine: normalised {normPositives:0.000} raw {rawPositives:0.000}");
        output.WriteLine($"obfuscated mean cosine: normalised {normalisedSum / ParaphraseSet.Obfuscated.Length:0.000} raw {rawSum / ParaphraseSet.Obfuscated.Length:0.000}");
        Assert.True(normalisedSum > rawSum);

        var other = new List<double>();
        foreach (var (b, language, text) in ParaphraseSet.OtherLanguages)
        {
            var s = TensorPrimitives.Dot(SemanticModel.Shared.Embed(text), eval.Bank[b]);
            output.WriteLine($"{language} #{b}: {s:0.000}  '{text}'");
            other.Add(s);
        }
        // English-centred model: translations land well below English paraphrases.
        Assert.True(other.Average() < normPositives);
    }
}
