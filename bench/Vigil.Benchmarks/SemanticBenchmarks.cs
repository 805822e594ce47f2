using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Vigil.Semantic;

namespace Vigil.Benchmarks;

/// <summary>
/// Sentence embeddings on the CPU (one text, and a batch of 32 short posts) and exact cosine top-10
/// search over 10k and 100k bank vectors. Op/s of Embed_Batch32 is batches per second: times 32 for texts/s.
/// Run: dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter "*Semantic*" --inProcess
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class SemanticBenchmarks
{
    private const string Post = "Take up arms and join the fight against the unbelievers, brothers, the hour has come.";
    private SentenceEmbedder embedder = null!;
    private string[] batch = [];
    private SemanticIndex index = null!;
    private float[] query = [];

    [Params(10_000, 100_000)]
    public int BankSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        embedder = new SentenceEmbedder();
        batch = Enumerable.Range(0, SentenceEmbedder.BatchSize).Select(i => $"Post number {i}: {Post}").ToArray();
        // Bank vectors: random directions (search time does not depend on what the vectors mean).
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
        query = embedder.Embed(Post);
    }

    [GlobalCleanup]
    public void Cleanup() => embedder.Dispose();

    [Benchmark]
    public float[] Embed_Single() => embedder.Embed(Post);

    [Benchmark]
    public float[][] Embed_Batch32() => embedder.Embed(batch);

    [Benchmark]
    public List<SemanticMatch> Search_Top10() => index.Search(query, 10);

    [Benchmark]
    public List<SemanticMatch> Search_AboveDefaultThreshold() => index.Search(query, 64, (float)SemanticModel.DefaultMinSimilarity);
}
