using System.Runtime.CompilerServices;

namespace Vigil.Hashing.Index;

/// <summary>
/// How the 256 bits are cut into m contiguous chunks, and which chunk radius each table is probed at
/// for a given search radius (the refined pigeonhole of Norouzi, Punjani and Fleet).
/// </summary>
/// <remarks>
/// Bit p (0..255) of a hash is bit (p &amp; 63) of word p / 64, counted from the least significant
/// bit; any fixed numbering works because Hamming distance only compares equal positions.
/// </remarks>
internal sealed class MultiIndexLayout
{
    /// <summary>Fewest chunks: keeps a chunk at 24 bits or less so a dense offsets array stays small.</summary>
    public const int MinChunks = 11;

    /// <summary>Most chunks (4-bit chunks), for tiny indexes.</summary>
    public const int MaxChunks = 64;

    public MultiIndexLayout(int chunkCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkCount, MinChunks);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkCount, MaxChunks);
        ChunkCount = chunkCount;
        Starts = new int[chunkCount];
        Widths = new int[chunkCount];
        // The first (256 mod m) chunks are one bit wider; they come first so that the tables
        // probed at the larger radius are the ones with the smaller buckets.
        var baseWidth = Hash256.Bits / chunkCount;
        var wider = Hash256.Bits % chunkCount;
        var start = 0;
        for (var t = 0; t < chunkCount; t++)
        {
            Starts[t] = start;
            Widths[t] = baseWidth + (t < wider ? 1 : 0);
            start += Widths[t];
        }
    }

    public int ChunkCount { get; }

    public int[] Starts { get; }

    public int[] Widths { get; }

    public int MaxWidth => Widths[0];

    /// <summary>About 256 / log2(count) chunks: then a bucket of a random hash set holds about one hash.</summary>
    public static int ChooseChunkCount(long count)
    {
        var bits = Math.Log2(Math.Max(count, 2));
        var m = (int)Math.Round(Hash256.Bits / bits);
        return Math.Clamp(m, MinChunks, MaxChunks);
    }

    /// <summary>
    /// Chunk radius of table <paramref name="table"/> for search radius <paramref name="radius"/>:
    /// with r = q*m + a, the first a+1 tables get q and the rest q-1 (-1: not probed). Any hash within r
    /// differs in at most q bits in one of the first a+1 chunks or in at most q-1 bits in one of the others,
    /// otherwise the total would be at least (a+1)(q+1) + (m-a-1)q = r + 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TableRadius(int table, int radius)
    {
        var q = radius / ChunkCount;
        var a = radius - (q * ChunkCount);
        return table <= a ? q : q - 1;
    }

    /// <summary>The <paramref name="width"/>-bit chunk at bit <paramref name="start"/> of the four words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Extract(ulong w0, ulong w1, ulong w2, ulong w3, int start, int width)
    {
        var word = start >> 6;
        var offset = start & 63;
        var lo = word switch { 0 => w0, 1 => w1, 2 => w2, _ => w3 };
        var v = lo >> offset;
        if (offset + width > 64)
        {
            var hi = word switch { 0 => w1, 1 => w2, _ => w3 };
            v |= hi << (64 - offset);
        }
        return (uint)(v & ((1UL << width) - 1));
    }

    /// <summary>All masks of <paramref name="width"/> bits with at most <paramref name="maxBits"/> bits set, ordered by bit count.</summary>
    public static uint[] FlipMasks(int width, int maxBits, out int[] countUpTo)
    {
        countUpTo = new int[maxBits + 1];
        var total = 0L;
        for (var k = 0; k <= maxBits; k++)
        {
            total += (long)Math.Round(Binomial(width, k));
            countUpTo[k] = (int)total;
        }
        var masks = new uint[total];
        var n = 0;
        for (var k = 0; k <= maxBits; k++)
        {
            if (k == 0)
            {
                masks[n++] = 0;
                continue;
            }
            // Gosper's hack: the next larger integer with the same number of set bits.
            var limit = 1UL << width;
            var v = (1UL << k) - 1;
            while (v < limit)
            {
                masks[n++] = (uint)v;
                var c = v & (ulong)-(long)v;
                var r = v + c;
                v = (((r ^ v) >> 2) / c) | r;
            }
        }
        return masks;
    }

    public static double Binomial(int n, int k)
    {
        if (k < 0 || k > n)
        {
            return 0;
        }
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }
        return result;
    }

    /// <summary>Number of buckets the probe of radius <paramref name="radius"/> visits.</summary>
    public double ProbeCount(int radius)
    {
        var probes = 0.0;
        for (var t = 0; t < ChunkCount; t++)
        {
            var tr = TableRadius(t, radius);
            for (var k = 0; k <= tr; k++)
            {
                probes += Binomial(Widths[t], k);
            }
        }
        return probes;
    }

    /// <summary>Expected candidates for <paramref name="count"/> uniformly spread hashes.</summary>
    public double ExpectedCandidates(int radius, long count)
    {
        var candidates = 0.0;
        for (var t = 0; t < ChunkCount; t++)
        {
            var tr = TableRadius(t, radius);
            var perBucket = count / Math.Pow(2, Widths[t]);
            for (var k = 0; k <= tr; k++)
            {
                candidates += Binomial(Widths[t], k) * perBucket;
            }
        }
        return candidates;
    }
}
