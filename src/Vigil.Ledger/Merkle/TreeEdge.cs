namespace Vigil.Ledger.Merkle;

/// <summary>A tile to be stored: level, index, its hashes (a full tile has 256) and its interior hashes.</summary>
public readonly record struct TileWrite(int Level, long Index, byte[] Hashes, byte[]? Interior = null)
{
    /// <summary>Number of hashes in the tile.</summary>
    public int Width => Hashes.Length / Rfc6962.HashSize;
}

/// <summary>
/// The rightmost tile of every level of a tiled tree. Appending a leaf updates them, completing tiles as they
/// fill; this is all the state needed to append and to compute the root, so a restart reads one tile per level.
/// </summary>
public sealed class TreeEdge : ITileReader
{
    /// <summary>Hashes per full tile.</summary>
    public const int TileWidth = 256;

    private const int H = Rfc6962.HashSize;
    private readonly List<byte[]> _buffers = [];
    private readonly List<byte[]> _interiors = [];
    private readonly List<long> _indices = [];
    private readonly List<int> _widths = [];
    private readonly List<TileWrite> _completed = [];
    private readonly SortedSet<int> _dirty = [];

    /// <summary>Number of leaves.</summary>
    public long Size { get; private set; }

    /// <summary>Rebuilds the edge of a tree of <paramref name="size"/> leaves from its stored partial tiles.</summary>
    public static TreeEdge Restore(long size, ITileReader tiles)
    {
        var edge = new TreeEdge { Size = size };
        for (int level = 0; (size >> (8 * level)) > 0; level++)
        {
            long nodes = size >> (8 * level);
            long index = nodes >> 8;
            int width = (int)(nodes & 255);
            var buffer = new byte[TileWidth * H];
            var interior = new byte[TileData.InteriorSlots * H];
            if (width > 0)
            {
                TileData stored = tiles.ReadTile(level, index, width);
                stored.Hashes.AsSpan(0, width * H).CopyTo(buffer);
                if (stored.Interior is { } storedInterior)
                {
                    storedInterior.CopyTo(interior, 0);
                }
                else
                {
                    RebuildInterior(buffer, interior, width);
                }
            }

            edge._buffers.Add(buffer);
            edge._interiors.Add(interior);
            edge._indices.Add(index);
            edge._widths.Add(width);
        }

        return edge;
    }

    /// <summary>Appends a leaf hash.</summary>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != H)
        {
            throw new ArgumentException("A leaf hash is 32 bytes.", nameof(leafHash));
        }

        Span<byte> carry = stackalloc byte[H];
        leafHash.CopyTo(carry);
        for (int level = 0; ; level++)
        {
            if (level == _buffers.Count)
            {
                _buffers.Add(new byte[TileWidth * H]);
                _interiors.Add(new byte[TileData.InteriorSlots * H]);
                _indices.Add(0);
                _widths.Add(0);
            }

            byte[] buffer = _buffers[level];
            byte[] interior = _interiors[level];
            int width = _widths[level];
            carry.CopyTo(buffer.AsSpan(width * H, H));
            width++;
            _dirty.Add(level);
            CompleteNodes(buffer, interior, width, carry);
            if (width < TileWidth)
            {
                _widths[level] = width;
                break;
            }

            // The tile is full: store it as is; its root (in carry) becomes the next hash one tile level up.
            _completed.Add(new TileWrite(level, _indices[level], (byte[])buffer.Clone(), (byte[])interior.Clone()));
            Array.Clear(buffer);
            Array.Clear(interior);
            _indices[level]++;
            _widths[level] = 0;
        }

        Size++;
    }

    /// <summary>Returns the tiles changed since the last call: completed full tiles, then current partial tiles.</summary>
    public List<TileWrite> TakeChangedTiles()
    {
        var writes = new List<TileWrite>(_completed);
        foreach (int level in _dirty)
        {
            int width = _widths[level];
            if (width > 0)
            {
                writes.Add(new TileWrite(level, _indices[level], _buffers[level].AsSpan(0, width * H).ToArray(), (byte[])_interiors[level].Clone()));
            }
        }

        _completed.Clear();
        _dirty.Clear();
        return writes;
    }

    /// <summary>
    /// After the hash at position <paramref name="width"/> − 1 was written: hashes every perfect subtree it completes
    /// (at most one per height), into the interior; when the tile completes, writes its root to <paramref name="root"/>.
    /// </summary>
    private static void CompleteNodes(byte[] buffer, byte[] interior, int width, Span<byte> root)
    {
        for (int height = 1; height <= 8 && (width & ((1 << height) - 1)) == 0; height++)
        {
            int node = (width >> height) - 1;
            ReadOnlySpan<byte> left = Child(buffer, interior, height - 1, 2 * node);
            ReadOnlySpan<byte> right = Child(buffer, interior, height - 1, (2 * node) + 1);
            Span<byte> target = height == 8 ? root : interior.AsSpan((TileData.InteriorOffset(height) + node) * H, H);
            Rfc6962.HashChildren(left, right, target);
        }
    }

    private static ReadOnlySpan<byte> Child(byte[] buffer, byte[] interior, int height, int node) =>
        height == 0 ? buffer.AsSpan(node * H, H) : interior.AsSpan((TileData.InteriorOffset(height) + node) * H, H);

    private static void RebuildInterior(byte[] buffer, byte[] interior, int width)
    {
        Span<byte> unused = stackalloc byte[H];
        for (int w = 1; w <= width; w++)
        {
            CompleteNodes(buffer, interior, w, unused);
        }
    }

    /// <summary>The current partial tile of every level (those with at least one hash).</summary>
    public List<TileWrite> PartialTiles()
    {
        var tiles = new List<TileWrite>();
        for (int level = 0; level < _buffers.Count; level++)
        {
            if (_widths[level] > 0)
            {
                tiles.Add(new TileWrite(level, _indices[level], _buffers[level].AsSpan(0, _widths[level] * H).ToArray(), (byte[])_interiors[level].Clone()));
            }
        }

        return tiles;
    }

    /// <summary>Root of the current tree.</summary>
    public byte[] Root() => new MerkleProver(this).Root(Size);

    /// <inheritdoc />
    public TileData ReadTile(int level, long index, int minWidth)
    {
        if (level < _buffers.Count && _indices[level] == index && _widths[level] >= minWidth)
        {
            return new TileData(_buffers[level], _interiors[level]);
        }

        throw new InvalidDataException($"Tile {level}/{index} is not on the right edge of the tree.");
    }
}
