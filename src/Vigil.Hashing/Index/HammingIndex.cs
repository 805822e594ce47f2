namespace Vigil.Hashing.Index;

/// <summary>
/// Exact Hamming range search over 256-bit hashes: every stored hash within the radius is returned,
/// never an approximation. Multi-index hashing (Norouzi, Punjani and Fleet, "Fast exact search in
/// Hamming space with multi-index hashing") over a static CSR part, plus a small scanned part for
/// entries added since the last build and tombstones for removed ones.
/// </summary>
/// <remarks>
/// Thread safety: any number of concurrent searches; writes (<see cref="Add"/>, <see cref="Remove"/>,
/// <see cref="Compact"/>) are serialized with each other and exclusive with searches, except the
/// rebuild inside a compaction, which runs while searches go on and only blocks them for the swap.
/// Every search sees the index as it was between two writes, so results stay exact throughout.
/// </remarks>
public sealed class HammingIndex : IDisposable
{
    private readonly HammingIndexOptions _options;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _writerGate = new();
    private StaticSegment _static;
    private DeltaSegment _delta = new();
    private bool _disposed;
    private BatchScratch? _pooledScratch;

    // Below this many queries a batch runs the single-query pipeline: sorting pays off only when
    // many queries share the sweeps over the tables and the hash array.
    private const int SortedBatchMinQueries = 64;

    /// <summary>Creates an empty index; fill it with <see cref="Add"/> or use <see cref="Build"/>.</summary>
    public HammingIndex(HammingIndexOptions? options = null)
        : this(options ?? HammingIndexOptions.Default, EmptyStatic(options ?? HammingIndexOptions.Default))
    {
    }

    private HammingIndex(HammingIndexOptions options, StaticSegment segment)
    {
        options.Validate();
        _options = options;
        _static = segment;
    }

    /// <summary>Number of live entries.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _static.Count - _static.TombstoneCount + _delta.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Estimated bytes held by the index (hashes, ids, tables, tombstones, added entries).</summary>
    public long MemoryBytes
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _static.MemoryBytes + _delta.MemoryBytes;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Number of chunks (tables) of the static part.</summary>
    public int ChunkCount => Volatile.Read(ref _static).Layout.ChunkCount;

    /// <summary>Entries added since the last build or compaction (searched by a scan).</summary>
    public int PendingAdds => Volatile.Read(ref _delta).Count;

    /// <summary>
    /// Builds an index over <paramref name="hashes"/>, where <paramref name="ids"/>[i] is the caller's id of
    /// hashes[i]. Ids must be unique; hashes may repeat.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length, or an id repeats (the message names it).</exception>
    public static HammingIndex Build(ReadOnlySpan<Hash256> hashes, ReadOnlySpan<long> ids, HammingIndexOptions? options = null)
    {
        options ??= HammingIndexOptions.Default;
        options.Validate();
        if (hashes.Length != ids.Length)
        {
            throw new ArgumentException($"hashes has {hashes.Length} entries but ids has {ids.Length}", nameof(ids));
        }
        var count = hashes.Length;
        var sortedIds = ids.ToArray();
        int[]? order = null;
        if (!IsStrictlyAscending(sortedIds))
        {
            // Stored in id order so that Remove finds an id by binary search, with no id map.
            order = new int[count];
            for (var i = 0; i < count; i++)
            {
                order[i] = i;
            }
            Array.Sort(sortedIds, order);
            for (var i = 1; i < count; i++)
            {
                if (sortedIds[i] == sortedIds[i - 1])
                {
                    throw new ArgumentException($"id {sortedIds[i]} appears more than once (at indexes {Math.Min(order[i], order[i - 1])} and {Math.Max(order[i], order[i - 1])})", nameof(ids));
                }
            }
        }
        var buffer = StaticSegment.AllocateHashes(count);
        for (var i = 0; i < count; i++)
        {
            StaticSegment.WriteHash(buffer, i, hashes[order is null ? i : order[i]]);
        }
        var chunks = options.ChunkCount ?? MultiIndexLayout.ChooseChunkCount(count);
        return new HammingIndex(options, StaticSegment.Build(buffer, sortedIds, count, chunks, options.MaxBuildParallelism));
    }

    /// <summary>Adds an entry; it is searchable as soon as this returns.</summary>
    /// <exception cref="ArgumentException">The id is already in the index.</exception>
    public void Add(long id, Hash256 hash)
    {
        lock (_writerGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_delta.Contains(id) || _static.FindLive(id) >= 0)
            {
                throw new ArgumentException($"id {id} is already in the index; remove it first", nameof(id));
            }
            _lock.EnterWriteLock();
            try
            {
                _delta.Add(id, hash);
            }
            finally
            {
                _lock.ExitWriteLock();
            }
            CompactIfDue();
        }
    }

    /// <summary>Removes the entry with this id; false when there is none.</summary>
    public bool Remove(long id)
    {
        lock (_writerGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var inDelta = _delta.Contains(id);
            var position = inDelta ? -1 : _static.FindLive(id);
            if (!inDelta && position < 0)
            {
                return false;
            }
            _lock.EnterWriteLock();
            try
            {
                if (inDelta)
                {
                    _delta.Remove(id);
                }
                else
                {
                    _static.MarkRemoved(position);
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }
            CompactIfDue();
            return true;
        }
    }

    /// <summary>
    /// Rebuilds the static part from the live entries, folding in the added ones and dropping the removed
    /// ones. Searches continue during the rebuild.
    /// </summary>
    public void Compact()
    {
        lock (_writerGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Only the writer mutates, and it holds the gate, so reading the segments here is safe.
            var segment = _static;
            var delta = _delta;
            var count = segment.Count - segment.TombstoneCount + delta.Count;
            var deltaOrder = new long[delta.Count];
            var deltaSlots = new int[delta.Count];
            for (var i = 0; i < delta.Count; i++)
            {
                deltaOrder[i] = delta.IdAt(i);
                deltaSlots[i] = i;
            }
            Array.Sort(deltaOrder, deltaSlots);

            var buffer = StaticSegment.AllocateHashes(count);
            var ids = new long[count];
            var n = 0;
            var d = 0;
            for (var position = 0; position <= segment.Count; position++)
            {
                var baseId = position < segment.Count ? segment.IdAt(position) : long.MaxValue;
                // Merge the two id-sorted runs; ids are unique across them.
                while (d < deltaOrder.Length && (position == segment.Count || deltaOrder[d] < baseId))
                {
                    Put(buffer, ids, n++, deltaOrder[d], delta.HashAt(deltaSlots[d]));
                    d++;
                }
                if (position < segment.Count && !segment.IsRemoved(position))
                {
                    Put(buffer, ids, n++, baseId, segment.HashAt(position));
                }
            }
            var chunks = _options.ChunkCount ?? MultiIndexLayout.ChooseChunkCount(count);
            var rebuilt = StaticSegment.Build(buffer, ids, count, chunks, _options.MaxBuildParallelism);

            _lock.EnterWriteLock();
            try
            {
                _static = rebuilt;
                _delta = new DeltaSegment();
            }
            finally
            {
                _lock.ExitWriteLock();
            }
            // Searches read the segment only under the read lock, so none can still be using the old one.
            segment.Dispose();
        }
    }

    /// <summary>Appends to <paramref name="results"/> every live entry within <paramref name="maxDistance"/> of the query.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDistance"/> is not 0..256.</exception>
    public void Search(in Hash256 query, int maxDistance, List<HammingMatch> results) =>
        Search(query, maxDistance, results, SearchStrategy.Auto);

    /// <summary>Every live entry within <paramref name="maxDistance"/> of the query, in no particular order.</summary>
    public IReadOnlyList<HammingMatch> Search(in Hash256 query, int maxDistance)
    {
        var results = new List<HammingMatch>();
        Search(query, maxDistance, results);
        return results;
    }

    /// <summary>Answers many queries under one lock acquisition; the matches of query i are <c>results[i]</c>.</summary>
    public HammingBatchResults SearchBatch(ReadOnlySpan<Hash256> queries, int maxDistance)
    {
        var results = new HammingBatchResults();
        SearchBatch(queries, maxDistance, results);
        return results;
    }

    /// <summary>
    /// Answers many queries into a reusable <see cref="HammingBatchResults"/> (cleared first). Results
    /// equal those of <see cref="Search(in Hash256, int)"/> for each query; batches of 64 or more are
    /// answered by sorting their probes and candidates (see docs/index.md), using at most 128 MiB of
    /// scratch memory, which the index keeps for the next batch until it is disposed.
    /// </summary>
    public void SearchBatch(ReadOnlySpan<Hash256> queries, int maxDistance, HammingBatchResults results) =>
        SearchBatch(queries, maxDistance, results, sorted: null, BatchScratch.MaxCandidates);

    /// <summary>
    /// Batch search with the sorted path forced on or off (null: automatic) and the candidates held
    /// between verification passes capped, so tests can cover sub-batches and repeated flushes.
    /// </summary>
    internal void SearchBatch(ReadOnlySpan<Hash256> queries, int maxDistance, HammingBatchResults results, bool? sorted, int maxCandidates)
    {
        ValidateRadius(maxDistance);
        ArgumentNullException.ThrowIfNull(results);
        results.Reset(queries.Length);
        _lock.EnterReadLock();
        try
        {
            var segment = _static;
            var scan = segment.ScanIsCheaper(maxDistance);
            if (!(sorted ?? (!scan && queries.Length >= SortedBatchMinQueries)) || segment.Count == 0)
            {
                for (var i = 0; i < queries.Length; i++)
                {
                    segment.Search(queries[i], maxDistance, results.Matches, scan);
                    _delta.Search(queries[i], maxDistance, results.Matches);
                    results.EndQuery();
                }
                return;
            }
            SearchSorted(segment, queries, maxDistance, results, maxCandidates);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void SearchSorted(StaticSegment segment, ReadOnlySpan<Hash256> queries, int maxDistance, HammingBatchResults results, int maxCandidates)
    {
        // One scratch is kept for the next batch; a concurrent batch makes (and then frees) its own.
        var scratch = Interlocked.Exchange(ref _pooledScratch, null) ?? new BatchScratch();
        try
        {
            var size = segment.BatchSize(maxDistance, maxCandidates);
            var perQuery = Math.Max(1.0, segment.Layout.ExpectedCandidates(maxDistance, segment.Count));
            for (var start = 0; start < queries.Length; start += size)
            {
                var slice = queries.Slice(start, Math.Min(size, queries.Length - start));
                // Room for the expected candidates plus a margin; more only costs another verify pass.
                var expected = (long)((perQuery * slice.Length * 1.25) + 4096);
                scratch.EnsureCandidates((int)Math.Min(maxCandidates, expected));
                segment.ProbeBatch(slice, maxDistance, scratch);
                scratch.GroupHits(slice.Length);
                for (var q = 0; q < slice.Length; q++)
                {
                    results.Matches.AddRange(scratch.HitsOf(q));
                    _delta.Search(slice[q], maxDistance, results.Matches);
                    results.EndQuery();
                }
            }
        }
        finally
        {
            if (Interlocked.CompareExchange(ref _pooledScratch, scratch, null) is not null)
            {
                scratch.Dispose();
            }
        }
    }

    /// <summary>
    /// Frees the index's unmanaged arrays (about all of its memory) once running searches finish; later
    /// calls throw <see cref="ObjectDisposedException"/>. Call it when no other thread will use the index.
    /// </summary>
    public void Dispose()
    {
        lock (_writerGate)
        {
            if (_disposed)
            {
                return;
            }
            _lock.EnterWriteLock();
            try
            {
                _disposed = true;
                _static.Dispose();
                Interlocked.Exchange(ref _pooledScratch, null)?.Dispose();
            }
            finally
            {
                _lock.ExitWriteLock();
            }
            _lock.Dispose();
        }
    }

    /// <summary>Search with the probe/scan choice forced, so tests can check both paths at every radius.</summary>
    internal void Search(in Hash256 query, int maxDistance, List<HammingMatch> results, SearchStrategy strategy)
    {
        ValidateRadius(maxDistance);
        ArgumentNullException.ThrowIfNull(results);
        _lock.EnterReadLock();
        try
        {
            var scan = strategy switch
            {
                SearchStrategy.Scan => true,
                SearchStrategy.Probe => false,
                _ => _static.ScanIsCheaper(maxDistance),
            };
            _static.Search(query, maxDistance, results, scan);
            _delta.Search(query, maxDistance, results);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    internal bool ScanIsCheaper(int maxDistance) => Volatile.Read(ref _static).ScanIsCheaper(maxDistance);

    private void CompactIfDue()
    {
        var fraction = _options.CompactionFraction;
        if (fraction <= 0)
        {
            return;
        }
        var baseCount = _static.Count;
        var deltaDue = _delta.Count >= _options.MinDeltaForCompaction && _delta.Count > fraction * baseCount;
        var tombstonesDue = _static.TombstoneCount >= _options.MinDeltaForCompaction && _static.TombstoneCount > 4 * fraction * baseCount;
        if (deltaDue || tombstonesDue)
        {
            Compact();
        }
    }

    private static void Put(NativeBuffer hashes, long[] ids, int n, long id, Hash256 hash)
    {
        StaticSegment.WriteHash(hashes, n, hash);
        ids[n] = id;
    }

    private static bool IsStrictlyAscending(long[] ids)
    {
        for (var i = 1; i < ids.Length; i++)
        {
            if (ids[i] <= ids[i - 1])
            {
                return false;
            }
        }
        return true;
    }

    private static StaticSegment EmptyStatic(HammingIndexOptions options)
    {
        return StaticSegment.Build(StaticSegment.AllocateHashes(0), [], 0, options.ChunkCount ?? MultiIndexLayout.ChooseChunkCount(0), 1);
    }

    private static void ValidateRadius(int maxDistance)
    {
        if ((uint)maxDistance > Hash256.Bits)
        {
            ThrowRadius(maxDistance);
        }
    }

    private static void ThrowRadius(int maxDistance) =>
        throw new ArgumentOutOfRangeException(nameof(maxDistance), maxDistance, "maxDistance must be 0..256 bits");
}

/// <summary>How a search finds candidates; tests force each path.</summary>
internal enum SearchStrategy
{
    Auto,
    Probe,
    Scan,
}
