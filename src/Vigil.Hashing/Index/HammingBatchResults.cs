using System.Runtime.InteropServices;

namespace Vigil.Hashing.Index;

/// <summary>
/// The matches of a batch of queries, stored flat (no list per query); reusable across batches.
/// </summary>
public sealed class HammingBatchResults
{
    private readonly List<HammingMatch> _matches = [];
    private int[] _ends = [];

    /// <summary>Number of queries answered.</summary>
    public int QueryCount { get; private set; }

    /// <summary>Matches over all queries.</summary>
    public int TotalMatches => _matches.Count;

    /// <summary>The matches of query <paramref name="query"/> (in no particular order).</summary>
    public ReadOnlySpan<HammingMatch> this[int query]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(query);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(query, QueryCount);
            var start = query == 0 ? 0 : _ends[query - 1];
            return CollectionsMarshal.AsSpan(_matches)[start.._ends[query]];
        }
    }

    internal List<HammingMatch> Matches => _matches;

    internal void Reset(int queryCount)
    {
        _matches.Clear();
        if (_ends.Length < queryCount)
        {
            _ends = new int[queryCount];
        }
        QueryCount = 0;
    }

    internal void EndQuery()
    {
        _ends[QueryCount++] = _matches.Count;
    }
}
