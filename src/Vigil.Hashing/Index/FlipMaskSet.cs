namespace Vigil.Hashing.Index;

/// <summary>
/// The XOR masks that enumerate every bucket within a chunk radius, shared by all indexes and
/// grown on demand (a chunk of at most 24 bits at radius 2 is 301 masks, so this stays small).
/// </summary>
internal sealed class FlipMaskSet
{
    private static readonly FlipMaskSet?[] s_byWidth = new FlipMaskSet?[33];
    private static readonly Lock s_gate = new();

    private FlipMaskSet(int width, int maxBits)
    {
        Width = width;
        MaxBits = maxBits;
        Masks = MultiIndexLayout.FlipMasks(width, maxBits, out var countUpTo);
        CountUpTo = countUpTo;
    }

    public int Width { get; }

    public int MaxBits { get; }

    /// <summary>Masks ordered by bit count; the first <c>CountUpTo[k]</c> have at most k bits set.</summary>
    public uint[] Masks { get; }

    public int[] CountUpTo { get; }

    /// <summary>A mask set for <paramref name="width"/> bits covering at least <paramref name="bits"/> flips.</summary>
    public static FlipMaskSet Get(int width, int bits)
    {
        var bounded = Math.Min(bits, width);
        var set = Volatile.Read(ref s_byWidth[width]);
        if (set is not null && set.MaxBits >= bounded)
        {
            return set;
        }
        lock (s_gate)
        {
            set = s_byWidth[width];
            if (set is null || set.MaxBits < bounded)
            {
                set = new FlipMaskSet(width, bounded);
                Volatile.Write(ref s_byWidth[width], set);
            }
            return set;
        }
    }

    /// <summary>Masks with at most <paramref name="bits"/> set (all of them when bits >= width).</summary>
    public int Count(int bits) => CountUpTo[Math.Min(bits, Width)];
}
