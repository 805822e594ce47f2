using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Vigil.Hashing.Index;

/// <summary>
/// The immutable bulk of an index: the hashes in one contiguous, cache-line aligned array sorted by
/// id, and one CSR table per chunk (an offsets array over every chunk value plus the positions sorted
/// by chunk value). Only the tombstone bits change after the build.
/// </summary>
internal sealed unsafe class StaticSegment : IDisposable
{
    // How far ahead the probe and verify loops prefetch: enough to keep several misses in flight.
    private const int PrefetchDistance = 24;

    // Relative costs (about nanoseconds) of the cost model that picks probe or scan per radius.
    private const double ProbeCost = 6;
    private const double CandidateCost = 6;
    private const double ScanCost = 1;
    private const double MaxProbes = 1 << 20;

    // Bits of the key or position that a batch buckets its pairs and candidates by.
    private const int BucketBits = 12;

    [ThreadStatic]
    private static SearchScratch? t_scratch;

    private readonly NativeBuffer _hashBuffer;
    private readonly ulong* _hashes;
    private readonly long[] _ids;
    private readonly ulong[] _tombstones;
    private readonly NativeBuffer?[] _offsets;
    private readonly NativeBuffer?[] _postings;
    private readonly Table[] _tables;
    private readonly bool[] _scanIsCheaper;

    private StaticSegment(NativeBuffer hashBuffer, long[] ids, int count, MultiIndexLayout layout, int parallelism)
    {
        _hashBuffer = hashBuffer;
        _hashes = (ulong*)hashBuffer.Pointer;
        _ids = ids;
        Count = count;
        Layout = layout;
        _tombstones = new ulong[(count + 63) / 64];
        var m = layout.ChunkCount;
        _offsets = new NativeBuffer?[m];
        _postings = new NativeBuffer?[m];
        _tables = new Table[m];
        // Tables are built in groups, one group per thread.
        var groups = Math.Clamp(parallelism, 1, m);
        if (groups == 1)
        {
            BuildTables(0, m);
        }
        else
        {
            Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = groups },
                g => BuildTables(g * m / groups, (g + 1) * m / groups));
        }
        _scanIsCheaper = new bool[Hash256.Bits + 1];
        for (var r = 0; r <= Hash256.Bits; r++)
        {
            var probes = layout.ProbeCount(r);
            var probeCost = (probes * ProbeCost) + (layout.ExpectedCandidates(r, count) * CandidateCost);
            _scanIsCheaper[r] = probes > MaxProbes || probeCost >= count * ScanCost;
        }
    }

    public int Count { get; }

    public int TombstoneCount { get; private set; }

    public MultiIndexLayout Layout { get; }

    /// <summary>Bytes held: hashes, ids, tombstones and the tables.</summary>
    public long MemoryBytes
    {
        get
        {
            var bytes = _hashBuffer.Length + (_ids.LongLength * 8) + (_tombstones.LongLength * 8);
            for (var t = 0; t < _offsets.Length; t++)
            {
                bytes += (_offsets[t]?.Length ?? 0) + (_postings[t]?.Length ?? 0);
            }
            return bytes;
        }
    }

    /// <summary>Whether the cost model prefers a scan at this radius.</summary>
    public bool ScanIsCheaper(int radius) => _scanIsCheaper[radius];

    /// <summary>
    /// Allocates the contiguous hash array (32 bytes per hash, 64-byte aligned, so every hash sits
    /// inside one cache line); fill it with <see cref="WriteHash"/>.
    /// </summary>
    public static NativeBuffer AllocateHashes(int count) => new(32L * count, zero: false);

    public static void WriteHash(NativeBuffer hashes, int position, in Hash256 hash)
    {
        if ((ulong)position >= (ulong)(hashes.Length / 32))
        {
            throw new ArgumentOutOfRangeException(nameof(position));
        }
        var h = (ulong*)hashes.Pointer + (4L * position);
        h[0] = hash.W0;
        h[1] = hash.W1;
        h[2] = hash.W2;
        h[3] = hash.W3;
    }

    /// <summary>Builds the tables over <paramref name="count"/> written hashes with ids sorted ascending; takes ownership of the buffer.</summary>
    public static StaticSegment Build(NativeBuffer hashes, long[] ids, int count, int chunkCount, int parallelism) =>
        new(hashes, ids, count, new MultiIndexLayout(chunkCount), parallelism);

    /// <summary>Frees the unmanaged arrays; no search may run on this segment afterwards.</summary>
    public void Dispose()
    {
        _hashBuffer.Dispose();
        for (var t = 0; t < _offsets.Length; t++)
        {
            _offsets[t]?.Dispose();
            _postings[t]?.Dispose();
        }
    }

    public long IdAt(int position) => _ids[position];

    public Hash256 HashAt(int position)
    {
        var h = _hashes + (4L * position);
        return new Hash256(h[0], h[1], h[2], h[3]);
    }

    /// <summary>Position of a live entry with this id, or -1.</summary>
    public int FindLive(long id)
    {
        var position = Array.BinarySearch(_ids, 0, Count, id);
        return position >= 0 && !IsRemoved(position) ? position : -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsRemoved(int position) => ((_tombstones[position >> 6] >> (position & 63)) & 1UL) != 0;

    /// <summary>Marks a live position removed (writer only, under the index's write lock).</summary>
    public void MarkRemoved(int position)
    {
        _tombstones[position >> 6] |= 1UL << (position & 63);
        TombstoneCount++;
    }

    /// <summary>Appends the live matches within <paramref name="radius"/>, by probing or by scanning.</summary>
    public void Search(in Hash256 query, int radius, List<HammingMatch> results, bool scan)
    {
        if (Count == 0)
        {
            return;
        }
        if (scan)
        {
            Scan(query, radius, results);
        }
        else
        {
            Probe(query, radius, results);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Scan(in Hash256 query, int radius, List<HammingMatch> results)
    {
        ulong q0 = query.W0, q1 = query.W1, q2 = query.W2, q3 = query.W3;
        var h = _hashes;
        for (var position = 0; position < Count; position++, h += 4)
        {
            var d = BitOperations.PopCount(h[0] ^ q0) + BitOperations.PopCount(h[1] ^ q1)
                + BitOperations.PopCount(h[2] ^ q2) + BitOperations.PopCount(h[3] ^ q3);
            if (d <= radius && !IsRemoved(position))
            {
                results.Add(new HammingMatch(_ids[position], d));
            }
        }
    }

    // Four passes so that each pass's random reads are prefetched before they are needed:
    // bucket keys, offsets (prefetched ahead), postings (prefetched when the range is known),
    // candidate positions (each hash prefetched as it is collected), then the hashes verified
    // with 4 popcounts (prefetched again a few ahead, in case the first one was evicted). Measured
    // at 4M hashes: the early hash prefetch gains about 10%.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Probe(in Hash256 query, int radius, List<HammingMatch> results)
    {
        var s = t_scratch ??= new SearchScratch();
        ulong q0 = query.W0, q1 = query.W1, q2 = query.W2, q3 = query.W3;
        var layout = Layout;
        var tables = _tables;

        var probeCount = 0;
        for (var t = 0; t < tables.Length; t++)
        {
            var tableRadius = layout.TableRadius(t, radius);
            if (tableRadius < 0)
            {
                break;
            }
            ref readonly var table = ref tables[t];
            var key = MultiIndexLayout.Extract(q0, q1, q2, q3, table.Start, table.Width);
            var maskSet = FlipMaskSet.Get(table.Width, tableRadius);
            var n = maskSet.Count(tableRadius);
            s.EnsureProbes(probeCount + n);
            var masks = maskSet.Masks.AsSpan(0, n);
            var keys = s.Keys.AsSpan(probeCount, n);
            for (var i = 0; i < masks.Length; i++)
            {
                keys[i] = key ^ masks[i];
            }
            s.KeyTables.AsSpan(probeCount, n).Fill((byte)t);
            probeCount += n;
        }

        var probeKeys = s.Keys;
        var probeTables = s.KeyTables;
        for (var j = 0; j < Math.Min(PrefetchDistance, probeCount); j++)
        {
            Prefetch(tables[probeTables[j]].Offsets + probeKeys[j]);
        }
        var rangeCount = 0;
        var candidateTotal = 0;
        for (var j = 0; j < probeCount; j++)
        {
            if (j + PrefetchDistance < probeCount)
            {
                Prefetch(tables[probeTables[j + PrefetchDistance]].Offsets + probeKeys[j + PrefetchDistance]);
            }
            var t = probeTables[j];
            ref readonly var table = ref tables[t];
            var offsets = table.Offsets + probeKeys[j];
            int start = offsets[0], end = offsets[1];
            if (end > start)
            {
                Prefetch(table.Postings + start);
                s.RangeStarts[rangeCount] = start;
                s.RangeEnds[rangeCount] = end;
                s.RangeTables[rangeCount] = t;
                rangeCount++;
                candidateTotal += end - start;
            }
        }

        s.EnsureCandidates(candidateTotal);
        var candidates = s.Candidates;
        var candidateTables = s.CandidateTables;
        var c = 0;
        for (var j = 0; j < rangeCount; j++)
        {
            var t = s.RangeTables[j];
            var postings = tables[t].Postings;
            for (var i = s.RangeStarts[j]; i < s.RangeEnds[j]; i++)
            {
                candidates[c] = postings[i];
                candidateTables[c] = t;
                Prefetch(_hashes + (4L * postings[i]));
                c++;
            }
        }

        var hashes = _hashes;
        for (var i = 0; i < Math.Min(PrefetchDistance, c); i++)
        {
            Prefetch(hashes + (4L * candidates[i]));
        }
        for (var i = 0; i < c; i++)
        {
            if (i + PrefetchDistance < c)
            {
                Prefetch(hashes + (4L * candidates[i + PrefetchDistance]));
            }
            var position = candidates[i];
            var h = hashes + (4L * position);
            ulong x0 = h[0] ^ q0, x1 = h[1] ^ q1, x2 = h[2] ^ q2, x3 = h[3] ^ q3;
            var d = BitOperations.PopCount(x0) + BitOperations.PopCount(x1) + BitOperations.PopCount(x2) + BitOperations.PopCount(x3);
            if (d <= radius && IsFirstTable(candidateTables[i], radius, x0, x1, x2, x3) && !IsRemoved(position))
            {
                results.Add(new HammingMatch(_ids[position], d));
            }
        }
    }

    /// <summary>
    /// Queries per sub-batch of <see cref="ProbeBatch"/> at this radius, so that one table's
    /// (key, query) pairs fit <see cref="BatchScratch.MaxPairs"/> and the expected candidates about
    /// fill <see cref="BatchScratch.MaxCandidates"/>.
    /// </summary>
    public int BatchSize(int radius, int maxCandidates)
    {
        var perTable = 1;
        for (var t = 0; t < _tables.Length; t++)
        {
            var tableRadius = Layout.TableRadius(t, radius);
            if (tableRadius >= 0)
            {
                perTable = Math.Max(perTable, FlipMaskSet.Get(_tables[t].Width, tableRadius).Count(tableRadius));
            }
        }
        var expected = Math.Max(1.0, Layout.ExpectedCandidates(radius, Count));
        var byPairs = BatchScratch.MaxPairs / perTable;
        var byCandidates = (int)Math.Min(int.MaxValue, maxCandidates / expected);
        return Math.Clamp(Math.Min(byPairs, byCandidates), 1, BatchScratch.MaxQueries);
    }

    /// <summary>
    /// Probes a sub-batch of queries (at most <see cref="BatchSize"/>) and leaves the live hits in
    /// <paramref name="s"/> (query index, match), in no particular order.
    /// </summary>
    /// <remarks>
    /// Instead of ~7,600 random reads per query, each table's (probe key, query) pairs are bucketed
    /// by the top 12 bits of the key (one scatter pass, histogram counted while generating them) so
    /// the offsets and postings are read in ascending 16 KiB regions (at 10M), and the (position,
    /// query, table) candidates of all tables are written straight into one slot per top-12-bit
    /// position bucket so the hash array is read in ascending 128 KiB regions. A full sort would cost
    /// two more passes for little more locality. When a slot fills, all candidates so far are verified
    /// and the slots reused; that is exact because the first-table rule decides each candidate on its own.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ProbeBatch(ReadOnlySpan<Hash256> queries, int radius, BatchScratch s)
    {
        s.HitCount = 0;
        if (Count == 0 || queries.Length == 0)
        {
            return;
        }
        var qn = queries.Length;
        s.EnsureQueries(qn);
        var qw = s.QueryWords;
        for (var q = 0; q < qn; q++)
        {
            qw[4 * q] = queries[q].W0;
            qw[(4 * q) + 1] = queries[q].W1;
            qw[(4 * q) + 2] = queries[q].W2;
            qw[(4 * q) + 3] = queries[q].W3;
        }
        var layout = Layout;
        var tables = _tables;
        var candidates = s.Candidates;
        var capacity = s.CandidateCapacity;
        var positionBits = 32 - BitOperations.LeadingZeroCount((uint)Count);
        var positionShift = Math.Max(0, positionBits - BucketBits);
        // The candidate buffer is cut into one equal slot per position bucket and candidates are
        // written straight into their bucket's slot: no separate scatter pass over them.
        var buckets = 1 << Math.Min(BucketBits, positionBits);
        var slot = Math.Max(1, capacity / buckets);
        Debug.Assert((long)slot * buckets <= Math.Max(capacity, 1 << BucketBits), "the slots fit the candidate buffer");
        Span<int> fill = stackalloc int[1 << BucketBits];
        fill = fill[..buckets];
        for (var b = 0; b < buckets; b++)
        {
            fill[b] = b * slot;
        }
        Span<int> pairCounts = stackalloc int[1 << BucketBits];
        for (var t = 0; t < tables.Length; t++)
        {
            var tableRadius = layout.TableRadius(t, radius);
            if (tableRadius < 0)
            {
                break;
            }
            ref readonly var table = ref tables[t];
            var maskSet = FlipMaskSet.Get(table.Width, tableRadius);
            var n = maskSet.Count(tableRadius);
            s.EnsurePairs((long)qn * n);
            var pairs = s.Pairs;
            var masks = maskSet.Masks;
            var keyShift = Math.Max(0, table.Width - BucketBits);
            var keyCounts = pairCounts[..(1 << Math.Min(BucketBits, table.Width))];
            keyCounts.Clear();
            var p = 0;
            for (var q = 0; q < qn; q++)
            {
                var key = MultiIndexLayout.Extract(qw[4 * q], qw[(4 * q) + 1], qw[(4 * q) + 2], qw[(4 * q) + 3], table.Start, table.Width);
                for (var i = 0; i < n; i++)
                {
                    var probe = key ^ masks[i];
                    keyCounts[(int)(probe >> keyShift)]++;
                    pairs[p++] = ((ulong)probe << 32) | (uint)q;
                }
            }
            var sorted = Scatter(pairs, s.PairSwap, p, 32 + keyShift, keyCounts);
            var offsets = table.Offsets;
            var postings = table.Postings;
            var tag = (uint)t;
            for (var j = 0; j < p; j++)
            {
                // Two-stage prefetch: the offsets far ahead, then the postings of a nearer pair
                // whose offsets should have arrived by now.
                if (j + (2 * PrefetchDistance) < p)
                {
                    Prefetch(offsets + (uint)(sorted[j + (2 * PrefetchDistance)] >> 32));
                }
                if (j + PrefetchDistance < p)
                {
                    Prefetch(postings + offsets[(uint)(sorted[j + PrefetchDistance] >> 32)]);
                }
                var item = sorted[j];
                var bucket = offsets + (uint)(item >> 32);
                int start = bucket[0], end = bucket[1];
                var low = ((uint)item << 8) | tag;
                for (var i = start; i < end; i++)
                {
                    var position = (uint)postings[i];
                    var b = (int)(position >> positionShift);
                    var at = fill[b];
                    if (at == (b + 1) * slot)
                    {
                        VerifyBatch(candidates, fill, slot, radius, s);
                        at = fill[b];
                    }
                    candidates[at] = ((ulong)position << 32) | low;
                    fill[b] = at + 1;
                }
            }
        }
        VerifyBatch(candidates, fill, slot, radius, s);
    }

    // Verifies the candidates bucket by bucket, so the hash array is read in ascending regions,
    // and empties the buckets.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VerifyBatch(ulong* candidates, Span<int> fill, int slot, int radius, BatchScratch s)
    {
        var hashes = _hashes;
        var qw = s.QueryWords;
        for (var b = 0; b < fill.Length; b++)
        {
            var first = b * slot;
            var end = fill[b];
            fill[b] = first;
            for (var i = first; i < end; i++)
            {
                if (i + PrefetchDistance < end)
                {
                    Prefetch(hashes + (4L * (uint)(candidates[i + PrefetchDistance] >> 32)));
                }
                var item = candidates[i];
                var position = (int)(item >> 32);
                var q = (int)((uint)item >> 8);
                var h = hashes + (4L * position);
                var w = 4 * q;
                ulong x0 = h[0] ^ qw[w], x1 = h[1] ^ qw[w + 1], x2 = h[2] ^ qw[w + 2], x3 = h[3] ^ qw[w + 3];
                var d = BitOperations.PopCount(x0) + BitOperations.PopCount(x1) + BitOperations.PopCount(x2) + BitOperations.PopCount(x3);
                if (d <= radius && IsFirstTable((byte)item, radius, x0, x1, x2, x3) && !IsRemoved(position))
                {
                    s.AddHit(q, new HammingMatch(_ids[position], d));
                }
            }
        }
    }

    // One counting-sort pass on the digit at bit `shift` whose histogram `counts` is already known
    // (at most 4096 write streams); returns the target buffer.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong* Scatter(ulong* items, ulong* target, int count, int shift, Span<int> counts)
    {
        ExclusivePrefixSum(counts);
        for (var i = 0; i < count; i++)
        {
            var item = items[i];
            target[counts[(int)(item >> shift)]++] = item;
        }
        return target;
    }

    // A hit is reported only from the first table whose probe condition it meets, so no hit is
    // reported twice and no per-query set is needed.
    private bool IsFirstTable(byte table, int radius, ulong x0, ulong x1, ulong x2, ulong x3)
    {
        for (var t = 0; t < table; t++)
        {
            ref readonly var earlier = ref _tables[t];
            var chunkDistance = BitOperations.PopCount(MultiIndexLayout.Extract(x0, x1, x2, x3, earlier.Start, earlier.Width));
            if (chunkDistance <= Layout.TableRadius(t, radius))
            {
                return false;
            }
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(void* address)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(address);
        }
    }

    private void BuildTables(int first, int last)
    {
        // Two scratch arrays of (key << 32 | position), shared by the tables of this group; in
        // huge pages too, as the radix passes write to thousands of places at once.
        using var keyed = new NativeBuffer(8L * Count, zero: false);
        using var swap = new NativeBuffer(8L * Count, zero: false);
        for (var t = first; t < last; t++)
        {
            BuildTable(t, (ulong*)keyed.Pointer, (ulong*)swap.Pointer);
        }
    }

    // The postings are the positions sorted by chunk value: an LSD radix sort in two passes of at
    // most 12 bits, whose scattered writes go to 4096 sequential streams, then one sequential walk
    // that writes both arrays. A counting sort straight into the table would make two random
    // accesses per hash into arrays far larger than the caches. Optimised at once: it runs once per
    // build, too few calls for tiered compilation to reach its optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BuildTable(int t, ulong* keyed, ulong* swap)
    {
        var start = Layout.Starts[t];
        var width = Layout.Widths[t];
        var buckets = 1 << width;
        var offsetBuffer = new NativeBuffer(4L * (buckets + 1), zero: false);
        var postingBuffer = new NativeBuffer(4L * Count, zero: false);
        _offsets[t] = offsetBuffer;
        _postings[t] = postingBuffer;
        var offsets = (int*)offsetBuffer.Pointer;
        var postings = (int*)postingBuffer.Pointer;

        var lowBits = (width + 1) / 2;
        var lowMask = (1u << lowBits) - 1;
        Span<int> low = stackalloc int[1 << lowBits];
        Span<int> high = stackalloc int[1 << (width - lowBits)];
        low.Clear();
        high.Clear();
        var h = _hashes;
        for (var position = 0; position < Count; position++, h += 4)
        {
            var key = MultiIndexLayout.Extract(h[0], h[1], h[2], h[3], start, width);
            keyed[position] = ((ulong)key << 32) | (uint)position;
            low[(int)(key & lowMask)]++;
            high[(int)(key >> lowBits)]++;
        }
        ExclusivePrefixSum(low);
        ExclusivePrefixSum(high);
        for (var i = 0; i < Count; i++)
        {
            var item = keyed[i];
            swap[low[(int)((item >> 32) & lowMask)]++] = item;
        }
        for (var i = 0; i < Count; i++)
        {
            var item = swap[i];
            keyed[high[(int)(item >> (32 + lowBits))]++] = item;
        }

        // offsets[b] = index of the first posting whose key is >= b.
        var next = 0;
        for (var i = 0; i < Count; i++)
        {
            var item = keyed[i];
            var key = (int)(item >> 32);
            while (next <= key)
            {
                offsets[next++] = i;
            }
            postings[i] = (int)item;
        }
        while (next <= buckets)
        {
            offsets[next++] = Count;
        }
        _tables[t] = new Table(offsets, postings, start, width);
    }

    private static void ExclusivePrefixSum(Span<int> counts)
    {
        var sum = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            var c = counts[i];
            counts[i] = sum;
            sum += c;
        }
    }

    private readonly struct Table(int* offsets, int* postings, int start, int width)
    {
        public readonly int* Offsets = offsets;
        public readonly int* Postings = postings;
        public readonly int Start = start;
        public readonly int Width = width;
    }

    private sealed class SearchScratch
    {
        public uint[] Keys = new uint[4096];
        public byte[] KeyTables = new byte[4096];
        public int[] RangeStarts = new int[4096];
        public int[] RangeEnds = new int[4096];
        public byte[] RangeTables = new byte[4096];
        public int[] Candidates = new int[16384];
        public byte[] CandidateTables = new byte[16384];

        public void EnsureProbes(int count)
        {
            if (count > Keys.Length)
            {
                var size = (int)Math.Min(Array.MaxLength, Math.Max((long)count, 2L * Keys.Length));
                Array.Resize(ref Keys, size);
                Array.Resize(ref KeyTables, size);
                RangeStarts = new int[size];
                RangeEnds = new int[size];
                RangeTables = new byte[size];
            }
        }

        public void EnsureCandidates(int count)
        {
            if (count > Candidates.Length)
            {
                var size = (int)Math.Min(Array.MaxLength, Math.Max((long)count, 2L * Candidates.Length));
                Candidates = new int[size];
                CandidateTables = new byte[size];
            }
        }
    }
}
