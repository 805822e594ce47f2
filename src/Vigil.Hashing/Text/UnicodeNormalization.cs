using System.Runtime.CompilerServices;

namespace Vigil.Hashing.Text;

/// <summary>
/// NFKD decomposition, canonical ordering and canonical composition over code points, driven by the
/// frozen tables in <see cref="UnicodeTables"/>.
/// </summary>
/// <remarks>
/// The runtime's <c>string.Normalize</c> is not used: under InvariantGlobalization (this repository's
/// setting) it leaves non-ASCII text unchanged, and with ICU its result would follow the OS's ICU
/// version, which would silently change stored exact hashes.
/// </remarks>
internal static class UnicodeNormalization
{
    private const int SBase = 0xAC00;
    private const int LBase = 0x1100;
    private const int VBase = 0x1161;
    private const int TBase = 0x11A7;
    private const int LCount = 19;
    private const int VCount = 21;
    private const int TCount = 28;
    private const int NCount = VCount * TCount;
    private const int SCount = LCount * NCount;

    // One bit per BMP code point, so the common "no decomposition / class 0 / cannot compose" answers
    // cost a bit test instead of a binary search (supplementary code points still search).
    private static readonly ulong[] s_decomposable = BmpBitmap(UnicodeTables.DecompositionKeys);
    private static readonly ulong[] s_nonStarter = BmpBitmap(UnicodeTables.CombiningClassKeys);
    private static readonly ulong[] s_compositionSecond = CompositionSecondBitmap();

    private static ulong[] BmpBitmap(ReadOnlySpan<int> codePoints)
    {
        var bits = new ulong[0x10000 / 64];
        foreach (var cp in codePoints)
        {
            if (cp < 0x10000)
            {
                bits[cp >> 6] |= 1UL << (cp & 63);
            }
        }
        return bits;
    }

    private static ulong[] CompositionSecondBitmap()
    {
        var seconds = new int[UnicodeTables.CompositionKeys.Length];
        for (var i = 0; i < seconds.Length; i++)
        {
            seconds[i] = (int)(UnicodeTables.CompositionKeys[i] & 0x1FFFFF);
        }
        return BmpBitmap(seconds);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InBmpBitmap(ulong[] bitmap, int cp) => (bitmap[cp >> 6] & (1UL << (cp & 63))) != 0;

    /// <summary>The full compatibility decomposition of <paramref name="codePoint"/>, or empty when it has none (Hangul syllables: see <see cref="DecomposeHangul"/>).</summary>
    public static ReadOnlySpan<int> Decomposition(int codePoint)
    {
        if (codePoint < 0x10000 && !InBmpBitmap(s_decomposable, codePoint))
        {
            return default;
        }
        var i = UnicodeTables.DecompositionKeys.BinarySearch(codePoint);
        if (i < 0)
        {
            return default;
        }
        var packed = UnicodeTables.DecompositionIndex[i];
        return UnicodeTables.DecompositionData.Slice(packed >> 5, packed & 31);
    }

    /// <summary>False when <paramref name="codePoint"/> can neither be reordered nor composed onto a preceding character.</summary>
    public static bool MayCombine(int codePoint) =>
        codePoint >= 0x300
        && (codePoint >= 0x10000
            || InBmpBitmap(s_nonStarter, codePoint)
            || InBmpBitmap(s_compositionSecond, codePoint)
            || (uint)(codePoint - VBase) < VCount
            || (uint)(codePoint - TBase - 1) < TCount - 1);

    public static bool IsHangulSyllable(int codePoint) => (uint)(codePoint - SBase) < SCount;

    /// <summary>Writes the 2 or 3 conjoining jamo of a Hangul syllable; returns how many.</summary>
    public static int DecomposeHangul(int syllable, Span<int> destination)
    {
        var s = syllable - SBase;
        destination[0] = LBase + (s / NCount);
        destination[1] = VBase + (s % NCount / TCount);
        var t = s % TCount;
        if (t == 0)
        {
            return 2;
        }
        destination[2] = TBase + t;
        return 3;
    }

    public static int CombiningClass(int codePoint)
    {
        // Nothing below U+0300 has a non-zero combining class: keeps Latin text off the binary search.
        if (codePoint < 0x10000 && !InBmpBitmap(s_nonStarter, codePoint))
        {
            return 0;
        }
        var i = UnicodeTables.CombiningClassKeys.BinarySearch(codePoint);
        return i < 0 ? 0 : UnicodeTables.CombiningClassValues[i];
    }

    /// <summary>The primary composite of the pair, or -1.</summary>
    public static int Compose(int first, int second)
    {
        if ((uint)(first - LBase) < LCount && (uint)(second - VBase) < VCount)
        {
            return SBase + ((((first - LBase) * VCount) + (second - VBase)) * TCount);
        }
        if (IsHangulSyllable(first) && (first - SBase) % TCount == 0 && (uint)(second - TBase - 1) < TCount - 1)
        {
            return first + (second - TBase);
        }
        if (second < UnicodeTables.MinCompositionSecond || (second < 0x10000 && !InBmpBitmap(s_compositionSecond, second)))
        {
            return -1;
        }
        var i = UnicodeTables.CompositionKeys.BinarySearch(((long)first << 21) | (uint)second);
        return i < 0 ? -1 : UnicodeTables.CompositionValues[i];
    }

    /// <summary>Sorts each run of non-starters by combining class (stable), as decomposition requires.</summary>
    public static void ReorderCanonically(Span<int> codePoints)
    {
        for (var i = 1; i < codePoints.Length; i++)
        {
            var cc = CombiningClass(codePoints[i]);
            if (cc == 0)
            {
                continue;
            }
            var cp = codePoints[i];
            var j = i;
            while (j > 0 && CombiningClass(codePoints[j - 1]) > cc)
            {
                codePoints[j] = codePoints[j - 1];
                j--;
            }
            codePoints[j] = cp;
        }
    }

    /// <summary>Canonical composition in place (the second half of NFC/NFKC); returns the new length.</summary>
    public static int ComposeCanonically(Span<int> codePoints)
    {
        if (codePoints.Length < 2)
        {
            return codePoints.Length;
        }
        var starterPos = 0;
        var starter = codePoints[0];
        // A leading non-starter has nothing to compose with: 256 blocks it.
        var lastClass = CombiningClass(starter) == 0 ? 0 : 256;
        var write = 1;
        for (var read = 1; read < codePoints.Length; read++)
        {
            var cp = codePoints[read];
            var cc = CombiningClass(cp);
            if (lastClass < cc || lastClass == 0)
            {
                // Either adjacent to the starter, or not blocked by an earlier mark of the same or higher class.
                var composite = Compose(starter, cp);
                if (composite >= 0)
                {
                    codePoints[starterPos] = composite;
                    starter = composite;
                    continue;
                }
            }
            if (cc == 0)
            {
                starterPos = write;
                starter = cp;
            }
            lastClass = cc;
            codePoints[write++] = cp;
        }
        return write;
    }

    /// <summary>Plain NFKC of a code point sequence (no folding): lets tests check the tables against a reference.</summary>
    internal static int[] ToNfkc(ReadOnlySpan<int> input)
    {
        var decomposed = new List<int>(input.Length * 2);
        Span<int> hangul = stackalloc int[3];
        foreach (var cp in input)
        {
            if (IsHangulSyllable(cp))
            {
                var n = DecomposeHangul(cp, hangul);
                for (var k = 0; k < n; k++)
                {
                    decomposed.Add(hangul[k]);
                }
                continue;
            }
            var d = Decomposition(cp);
            if (d.IsEmpty)
            {
                decomposed.Add(cp);
            }
            else
            {
                decomposed.AddRange(d);
            }
        }
        var buffer = decomposed.ToArray();
        ReorderCanonically(buffer);
        return buffer[..ComposeCanonically(buffer)];
    }
}
