using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Vigil.Semantic;

namespace Vigil.Tests.Semantic;

/// <summary>Precision and recall of semantic matching on <see cref="ParaphraseSet"/>, for the tests and docs/semantic.md.</summary>
internal sealed class SemanticEvaluation
{
    public SemanticEvaluation(SentenceEmbedder embedder)
    {
        Bank = embedder.Embed(ParaphraseSet.Groups.Select(g => g.Base).ToList());
        var pairs = ParaphraseSet.Groups.SelectMany((g, i) => g.Paraphrases.Select(p => (Base: i, Text: p))).ToList();
        Positives = pairs.Zip(embedder.Embed(pairs.Select(p => p.Text).ToList()), (p, v) => (p.Base, v)).ToList();
        Negatives = embedder.Embed(ParaphraseSet.Unrelated).ToList();
    }

    public float[][] Bank { get; }

    public List<(int Base, float[] Vector)> Positives { get; }

    public List<float[]> Negatives { get; }

    /// <summary>Best bank entry for a vector (index, cosine).</summary>
    public (int Index, float Similarity) Best(float[] v)
    {
        var best = (-1, float.NegativeInfinity);
        for (var i = 0; i < Bank.Length; i++)
        {
            var s = TensorPrimitives.Dot(v, Bank[i]);
            if (s > best.Item2)
            {
                best = (i, s);
            }
        }
        return best;
    }

    /// <summary>A paraphrase counts when its own base is the best match at or above the threshold; anything else that matches is a false positive.</summary>
    public (double Precision, double Recall, int TruePositives, int FalsePositives) At(double threshold)
    {
        int tp = 0, fp = 0;
        foreach (var (b, v) in Positives)
        {
            var (i, s) = Best(v);
            if (s >= threshold)
            {
                if (i == b)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
            }
        }
        fp += Negatives.Count(v => Best(v).Similarity >= threshold);
        var precision = tp + fp == 0 ? 1 : (double)tp / (tp + fp);
        return (precision, (double)tp / Positives.Count, tp, fp);
    }

    public string Report()
    {
        var sb = new StringBuilder();
        var pos = Positives.Select(p => (double)TensorPrimitives.Dot(p.Vector, Bank[p.Base])).Order().ToList();
        var neg = Negatives.Select(v => (double)Best(v).Similarity).Order().ToList();
        sb.AppendLine(CultureInfo.InvariantCulture, $"paraphrase -> own base cosine (n={pos.Count}): min {pos[0]:0.000} p10 {Q(pos, 0.1):0.000} median {Q(pos, 0.5):0.000} max {pos[^1]:0.000}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"unrelated -> best base cosine (n={neg.Count}): min {neg[0]:0.000} median {Q(neg, 0.5):0.000} p90 {Q(neg, 0.9):0.000} max {neg[^1]:0.000}");
        sb.AppendLine("threshold precision recall TP FP");
        foreach (var t in new[] { 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9 })
        {
            var (p, r, tp, fp) = At(t);
            sb.AppendLine(CultureInfo.InvariantCulture, $"{t:0.00} {p:0.000} {r:0.000} {tp} {fp}");
        }
        var pairs = ParaphraseSet.Groups.SelectMany((g, i) => g.Paraphrases.Select(p => (Base: g.Base, Text: p))).ToList();
        foreach (var (pair, s) in pairs.Zip(Positives.Select(p => TensorPrimitives.Dot(p.Vector, Bank[p.Base]))).OrderBy(x => x.Second).Take(5))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"weakest paraphrase {s:0.000}: '{pair.Text}' ~ '{pair.Base}'");
        }
        var worst = Negatives.Select((v, i) => (ParaphraseSet.Unrelated[i], Best(v))).OrderByDescending(x => x.Item2.Similarity).Take(5);
        foreach (var (text, (i, s)) in worst)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"closest unrelated {s:0.000}: '{text}' ~ '{ParaphraseSet.Groups[i].Base}'");
        }
        return sb.ToString();
    }

    private static double Q(List<double> sorted, double q) => sorted[(int)Math.Round(q * (sorted.Count - 1))];
}
