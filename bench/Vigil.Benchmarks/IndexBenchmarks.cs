using BenchmarkDotNet.Attributes;
using Vigil.Hashing;
using Vigil.Hashing.Index;

namespace Vigil.Benchmarks;

/// <summary>
/// Micro-benchmarks of the Hamming index at radius 31: probing against the full scan it replaces,
/// one query at a time and in a batch. End-to-end figures (10M, build time, latency percentiles,
/// FAISS baseline) come from bench/faiss/compare.sh and IndexBenchmark.Run instead.
/// Run: dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter '*IndexBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class IndexBenchmarks
{
    private const int QueryCount = 100;
    private HammingIndex _index = null!;
    private Hash256[] _queries = null!;
    private readonly List<HammingMatch> _results = [];
    private readonly HammingBatchResults _batch = new();

    [Params(100_000, 1_000_000)]
    public int Count { get; set; }

    [Params(31)]
    public int Radius { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = IndexBenchmarkDataset.Generate(Count, QueryCount, Radius, seed: 7);
        var ids = new long[Count];
        for (var i = 0; i < Count; i++)
        {
            ids[i] = i;
        }
        _index = HammingIndex.Build(data.Haystack, ids);
        _queries = data.Queries;
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(OperationsPerInvoke = QueryCount, Baseline = true)]
    public int Scan() => SearchAll(SearchStrategy.Scan);

    [Benchmark(OperationsPerInvoke = QueryCount)]
    public int Probe() => SearchAll(SearchStrategy.Probe);

    [Benchmark(OperationsPerInvoke = QueryCount)]
    public int Batch()
    {
        _index.SearchBatch(_queries, Radius, _batch);
        return _batch.TotalMatches;
    }

    private int SearchAll(SearchStrategy strategy)
    {
        var total = 0;
        foreach (var query in _queries)
        {
            _results.Clear();
            _index.Search(query, Radius, _results, strategy);
            total += _results.Count;
        }
        return total;
    }
}
