using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vigil.Hashing.Text;

/// <summary>The shingling and the 128 seeded hash functions behind <see cref="MinHashSignature"/>.</summary>
internal static class MinHasher
{
    /// <summary>Words per shingle.</summary>
    public const int WordShingle = 3;

    /// <summary>Characters per shingle when a text has fewer than <see cref="WordShingle"/> words.</summary>
    public const int CharShingle = 4;

    // Different seeds keep word shingles and character shingles apart.
    private const long WordSeed = 0x6D68_3157;
    private const long CharSeed = 0x6D68_3143;

    private const uint Mix1 = 0x85EB_CA6B;
    private const uint Mix2 = 0xC2B2_AE35;

    /// <summary>The per-function seeds: frozen for signature version mh1 (changing them invalidates stored signatures).</summary>
    internal static readonly uint[] Seeds = CreateSeeds();

    private static uint[] CreateSeeds()
    {
        var seeds = new uint[MinHashSignature.Size];
        var state = 0x5669_676C_6D68_3100UL; // "Viglmh1\0"
        for (var i = 0; i < seeds.Length; i++)
        {
            // SplitMix64: a fixed, well-spread sequence.
            state += 0x9E37_79B9_7F4A_7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
            seeds[i] = (uint)(z ^ (z >> 31));
        }
        return seeds;
    }

    public static void Compute(ReadOnlySpan<char> normalized, Span<uint> mins)
    {
        mins.Fill(uint.MaxValue);
        if (normalized.IsEmpty)
        {
            return;
        }
        // A text has at most as many shingles as characters; the keys are gathered first so that each
        // block of 8 hash functions then runs over all of them with its minimum held in a register.
        uint[]? rented = null;
        var keys = normalized.Length <= 512 ? stackalloc uint[512] : (rented = ArrayPool<uint>.Shared.Rent(normalized.Length));
        try
        {
            var count = CollectKeys(normalized, keys);
            MinOver(keys[..count], mins);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<uint>.Shared.Return(rented);
            }
        }
    }

    private static int CollectKeys(ReadOnlySpan<char> normalized, Span<uint> keys)
    {
        var count = 0;
        // Starts of the last three words, as a ring, so shingles are slices of the text: no allocation.
        Span<int> starts = stackalloc int[WordShingle];
        var words = 0;
        var wordStart = 0;
        for (var i = 0; i <= normalized.Length; i++)
        {
            if (i < normalized.Length && normalized[i] != ' ')
            {
                continue;
            }
            if (i > wordStart)
            {
                starts[words % WordShingle] = wordStart;
                words++;
                if (words >= WordShingle)
                {
                    var first = starts[(words - WordShingle) % WordShingle];
                    keys[count++] = Key(normalized[first..i], WordSeed);
                }
            }
            wordStart = i + 1;
        }
        if (words >= WordShingle)
        {
            return count;
        }
        // Too few words for a word shingle: character shingles still tell short texts apart.
        if (normalized.Length <= CharShingle)
        {
            keys[0] = Key(normalized, CharSeed);
            return 1;
        }
        for (var i = 0; i + CharShingle <= normalized.Length; i++)
        {
            keys[count++] = Key(normalized.Slice(i, CharShingle), CharSeed);
        }
        return count;
    }

    private static uint Key(ReadOnlySpan<char> shingle, long seed)
    {
        var h = System.IO.Hashing.XxHash3.HashToUInt64(MemoryMarshal.AsBytes(shingle), seed);
        return (uint)h ^ (uint)(h >> 32);
    }

    /// <summary>For each hash function i (fmix32(key ^ seed[i])), the minimum over <paramref name="keys"/>, folded into <paramref name="mins"/>.</summary>
    internal static void MinOver(ReadOnlySpan<uint> keys, Span<uint> mins)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            foreach (var key in keys)
            {
                AddShingleScalar(key, mins);
            }
            return;
        }
        var seeds = Seeds.AsSpan();
        for (var i = 0; i < mins.Length; i += Vector256<uint>.Count)
        {
            var seed = Vector256.Create<uint>(seeds[i..]);
            var min = Vector256.Create<uint>(mins[i..]);
            foreach (var key in keys)
            {
                var h = Vector256.Create(key) ^ seed;
                h ^= Vector256.ShiftRightLogical(h, 16);
                h *= Mix1;
                h ^= Vector256.ShiftRightLogical(h, 13);
                h *= Mix2;
                h ^= Vector256.ShiftRightLogical(h, 16);
                min = Vector256.Min(min, h);
            }
            min.CopyTo(mins[i..]);
        }
    }

    internal static void AddShingleScalar(uint key, Span<uint> mins)
    {
        var seeds = Seeds;
        for (var i = 0; i < mins.Length; i++)
        {
            var h = Hash(key, seeds[i]);
            if (h < mins[i])
            {
                mins[i] = h;
            }
        }
    }

    internal static uint Hash(uint key, uint seed)
    {
        var h = key ^ seed;
        h ^= h >> 16;
        h *= Mix1;
        h ^= h >> 13;
        h *= Mix2;
        h ^= h >> 16;
        return h;
    }
}
