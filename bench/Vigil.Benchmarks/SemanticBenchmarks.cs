using BenchmarkDotNet.Attributes;
using Vigil.Semantic;

namespace Vigil.Benchmarks;

/// <summary>
/// Sentence embeddings on the CPU: one short post, and a batch of 32 (op/s × 32 = texts/s).
/// Run: dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter "*Semantic*" --inProcess
/// </summary>
[MemoryDiagnoser]
public class SemanticEmbeddingBenchmarks
{
    internal const string Post = "Take up arms and join the fight against the unbelievers, brothers, the hour has come.";
    private SentenceEmbedder embedder = null!;
    private string[] batch = [];

    [GlobalSetup]
    public void Setup()
    {
        embedder = new SentenceEmbedder();
        batch = Enumerable.Range(0, SentenceEmbedder.BatchSize).Select(i => $"Post number {i}: {Post}").ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => embedder.Dispose();

    [Benchmark]
    public float[] Embed_Single() => embedder.Embed(Post);

    [Benchmark]
    public float[][] Embed_Batch32() => embedder.Embed(batch);
}

/// <summary>
/// Exact cosine search over 10k and 100k bank vectors: top-10, and everything above the default
/// threshold (what BankMatcher asks). Random directions: the scan costs the same whatever they mean.
/// </summary>
[MemoryDiagnoser]
public class SemanticSearchBenchmarks
{
    private SemanticIndex index = null!;
    private float[] query = [];

    [Params(10_000, 100_000)]
    public int BankSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        index = new SemanticIndex(SentenceEmbedder.Dimensions, BankSize);
        var v = new float[SentenceEmbedder.Dimensions];
        for (var id = 0; id < BankSize; id++)
        {
            for (var d = 0; d < v.Length; d++)
            {
                v[d] = (float)((random.NextDouble() * 2) - 1);
            }
            index.Add(id, v);
        }
        query = new float[SentenceEmbedder.Dimensions];
        for (var d = 0; d < query.Length; d++)
        {
            query[d] = (float)((random.NextDouble() * 2) - 1);
        }
    }

    [Benchmark]
    public List<SemanticMatch> Search_Top10() => index.Search(query, 10);

    [Benchmark]
    public List<SemanticMatch> Search_AboveDefaultThreshold() => index.Search(query, 64, (float)SemanticModel.DefaultMinSimilarity);
}
