namespace Vigil.Hashing.Index;

/// <summary>
/// Working memory of a sorted batch search, bounded and reused: (key, query) pairs of one table with
/// a swap buffer for their bucketing pass, (position, query, table) candidates, and the hits. At most
/// 2 × 32 MiB of pairs and 64 MiB of candidates (128 MiB); sized to the batch below that.
/// </summary>
internal sealed unsafe class BatchScratch : IDisposable
{
    /// <summary>Most (key, query) pairs of one table in a sub-batch: 2 × 8 bytes each, 64 MiB.</summary>
    public const int MaxPairs = 1 << 22;

    /// <summary>Most candidates held before they are verified: 8 bytes each, 64 MiB.</summary>
    public const int MaxCandidates = 1 << 23;

    /// <summary>Most queries in a sub-batch: the query index takes 24 bits of a candidate.</summary>
    public const int MaxQueries = (1 << 24) - 1;

    private NativeBuffer? _pairs;
    private NativeBuffer? _pairSwap;
    private NativeBuffer? _candidates;
    private int[] _hitQueries = new int[256];
    private HammingMatch[] _hits = new HammingMatch[256];
    private HammingMatch[] _grouped = new HammingMatch[256];
    private int[] _queryStarts = new int[2];

    public ulong* Pairs { get; private set; }

    public ulong* PairSwap { get; private set; }

    public ulong* Candidates { get; private set; }

    /// <summary>Candidates collected before a verification pass (at most the allocated size).</summary>
    public int CandidateCapacity { get; private set; }

    /// <summary>Four words per query of the current sub-batch.</summary>
    public ulong[] QueryWords { get; private set; } = new ulong[64];

    public int HitCount { get; set; }

    public void EnsureQueries(int count)
    {
        if (QueryWords.Length < 4 * count)
        {
            QueryWords = new ulong[4 * count];
        }
    }

    public void EnsurePairs(long count)
    {
        if (_pairs is null || _pairs.Length < 8 * count)
        {
            var bytes = 8 * Math.Max(count, 1024);
            _pairs?.Dispose();
            _pairSwap?.Dispose();
            _pairs = new NativeBuffer(bytes, zero: false);
            _pairSwap = new NativeBuffer(bytes, zero: false);
            Pairs = (ulong*)_pairs.Pointer;
            PairSwap = (ulong*)_pairSwap.Pointer;
        }
    }

    /// <summary>Verifies after every <paramref name="capacity"/> candidates; grows the buffers when needed.</summary>
    public void EnsureCandidates(int capacity)
    {
        capacity = Math.Max(capacity, 1);
        // At least one entry per position bucket (4096), as a slot holds at least one candidate.
        var entries = Math.Max(capacity, 4096);
        if (_candidates is null || _candidates.Length < 8L * entries)
        {
            _candidates?.Dispose();
            _candidates = new NativeBuffer(8L * entries, zero: false);
            Candidates = (ulong*)_candidates.Pointer;
        }
        CandidateCapacity = capacity;
    }

    public void AddHit(int query, HammingMatch match)
    {
        if (HitCount == _hits.Length)
        {
            Array.Resize(ref _hits, 2 * _hits.Length);
            Array.Resize(ref _hitQueries, 2 * _hitQueries.Length);
        }
        _hitQueries[HitCount] = query;
        _hits[HitCount++] = match;
    }

    /// <summary>Orders the hits by query (counting sort); then <see cref="HitsOf"/> gives each query's.</summary>
    public void GroupHits(int queryCount)
    {
        if (_queryStarts.Length < queryCount + 1)
        {
            _queryStarts = new int[queryCount + 1];
        }
        if (_grouped.Length < HitCount)
        {
            _grouped = new HammingMatch[_hits.Length];
        }
        var starts = _queryStarts.AsSpan(0, queryCount + 1);
        starts.Clear();
        for (var i = 0; i < HitCount; i++)
        {
            starts[_hitQueries[i] + 1]++;
        }
        for (var q = 0; q < queryCount; q++)
        {
            starts[q + 1] += starts[q];
        }
        for (var i = 0; i < HitCount; i++)
        {
            _grouped[starts[_hitQueries[i]]++] = _hits[i];
        }
        // starts[q] now holds the end of query q; shift back to starts.
        for (var q = queryCount; q > 0; q--)
        {
            starts[q] = starts[q - 1];
        }
        starts[0] = 0;
    }

    public ReadOnlySpan<HammingMatch> HitsOf(int query) =>
        _grouped.AsSpan(_queryStarts[query], _queryStarts[query + 1] - _queryStarts[query]);

    public void Dispose()
    {
        _pairs?.Dispose();
        _pairSwap?.Dispose();
        _candidates?.Dispose();
    }
}
