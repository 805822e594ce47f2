using System.Numerics;

namespace Vigil.Ledger.Merkle;

/// <summary>
/// A stored tile: its hashes (height 8·L nodes) and, when stored, its interior: the hashes of the perfect subtrees at
/// heights 1 to 7 inside it (254 slots; height s starts at slot 256 − (512 » s)), so proofs need no rehashing.
/// </summary>
public readonly record struct TileData(byte[] Hashes, byte[]? Interior)
{
    /// <summary>Number of interior hash slots of a tile.</summary>
    public const int InteriorSlots = 254;

    /// <summary>First interior slot of height <paramref name="height"/> (1 to 7).</summary>
    public static int InteriorOffset(int height) => 256 - (512 >> height);
}

/// <summary>
/// Reads hash tiles in the C2SP tlog-tiles layout: tile (level L, index N) holds the hashes of the tree nodes at
/// height 8·L with indices N·256 … N·256+width−1. Level 0 holds the leaf hashes.
/// </summary>
public interface ITileReader
{
    /// <summary>Returns the tile: its concatenated hashes (at least <paramref name="minWidth"/>) and its interior if stored.</summary>
    /// <exception cref="InvalidDataException">The tile is missing or narrower than needed.</exception>
    TileData ReadTile(int level, long index, int minWidth);
}

/// <summary>Builds RFC 9162 inclusion and consistency proofs from stored tiles, reading O(log n) tiles.</summary>
public sealed class MerkleProver
{
    private const int H = Rfc6962.HashSize;
    private readonly ITileReader _tiles;
    private readonly Dictionary<(int Level, long Index), TileData> _cache = [];

    /// <summary>Creates a prover over the given tiles; it caches the tiles it reads, so use one per request.</summary>
    public MerkleProver(ITileReader tiles) => _tiles = tiles;

    /// <summary>Hash of the perfect subtree at <paramref name="height"/> (0 = leaf) and <paramref name="index"/>.</summary>
    public void NodeHash(int height, long index, Span<byte> destination)
    {
        int tileLevel = height / 8;
        int sub = height % 8;
        long first = index << sub;
        long tileIndex = first >> 8;
        int offset = (int)(first & 255);
        int count = 1 << sub;
        TileData tile = ReadTile(tileLevel, tileIndex, offset + count);
        if (sub == 0)
        {
            tile.Hashes.AsSpan(offset * H, H).CopyTo(destination);
        }
        else if (tile.Interior is { } interior)
        {
            int slot = TileData.InteriorOffset(sub) + (offset >> sub);
            interior.AsSpan(slot * H, H).CopyTo(destination);
        }
        else
        {
            Rfc6962.HashPerfectRange(tile.Hashes.AsSpan(offset * H), count, destination);
        }
    }

    /// <summary>MTH(D[start:end]) for a range whose start is aligned as in any RFC 9162 proof.</summary>
    public void RangeHash(long start, long end, Span<byte> destination)
    {
        if (start >= end)
        {
            throw new ArgumentOutOfRangeException(nameof(end), "The range is empty.");
        }

        // Perfect subtrees from the left, then folded from the right: the right border of MTH.
        Span<byte> nodes = stackalloc byte[64 * H];
        int count = 0;
        for (long at = start; at < end;)
        {
            int height = at == 0 ? 62 : BitOperations.TrailingZeroCount(at);
            while (height > 0 && at + (1L << height) > end)
            {
                height--;
            }

            NodeHash(height, at >> height, nodes.Slice(count * H, H));
            count++;
            at += 1L << height;
        }

        Span<byte> acc = nodes.Slice((count - 1) * H, H);
        for (int i = count - 2; i >= 0; i--)
        {
            Rfc6962.HashChildren(nodes.Slice(i * H, H), acc, acc);
        }

        acc.CopyTo(destination);
    }

    /// <summary>Root of the tree of <paramref name="size"/> leaves.</summary>
    public byte[] Root(long size)
    {
        var root = new byte[H];
        if (size == 0)
        {
            Rfc6962.EmptyRoot.CopyTo(root);
        }
        else
        {
            RangeHash(0, size, root);
        }

        return root;
    }

    /// <summary>The RFC 9162 inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    public List<byte[]> InclusionProof(long index, long size)
    {
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Index {index} is not below the tree size {size}.");
        }

        var proof = new List<byte[]>(64);
        Path(index, 0, size, proof);
        return proof;
    }

    /// <summary>The RFC 9162 consistency proof from size <paramref name="size1"/> to size <paramref name="size2"/>.</summary>
    public List<byte[]> ConsistencyProof(long size1, long size2)
    {
        if (size1 <= 0 || size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), $"Need 0 < size1 <= size2; got {size1} and {size2}.");
        }

        var proof = new List<byte[]>(64);
        if (size1 < size2)
        {
            SubProof(size1, 0, size2, true, proof);
        }

        return proof;
    }

    private void Path(long m, long lo, long hi, List<byte[]> proof)
    {
        if (hi - lo == 1)
        {
            return;
        }

        long k = LargestPowerOfTwoBelow(hi - lo);
        if (m < lo + k)
        {
            Path(m, lo, lo + k, proof);
            proof.Add(Range(lo + k, hi));
        }
        else
        {
            Path(m, lo + k, hi, proof);
            proof.Add(Range(lo, lo + k));
        }
    }

    private void SubProof(long m, long lo, long hi, bool known, List<byte[]> proof)
    {
        if (m == hi)
        {
            if (!known)
            {
                proof.Add(Range(lo, hi));
            }

            return;
        }

        long k = LargestPowerOfTwoBelow(hi - lo);
        if (m <= lo + k)
        {
            SubProof(m, lo, lo + k, known, proof);
            proof.Add(Range(lo + k, hi));
        }
        else
        {
            SubProof(m, lo + k, hi, false, proof);
            proof.Add(Range(lo, lo + k));
        }
    }

    private byte[] Range(long lo, long hi)
    {
        var hash = new byte[H];
        RangeHash(lo, hi, hash);
        return hash;
    }

    private static long LargestPowerOfTwoBelow(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    private TileData ReadTile(int level, long index, int minWidth)
    {
        if (_cache.TryGetValue((level, index), out TileData tile) && tile.Hashes.Length >= minWidth * H)
        {
            return tile;
        }

        tile = _tiles.ReadTile(level, index, minWidth);
        if (tile.Hashes.Length < minWidth * H || (tile.Interior is not null && tile.Interior.Length != TileData.InteriorSlots * H))
        {
            throw new InvalidDataException($"Tile {level}/{index} holds {tile.Hashes.Length / H} hashes; {minWidth} are needed.");
        }

        _cache[(level, index)] = tile;
        return tile;
    }
}
