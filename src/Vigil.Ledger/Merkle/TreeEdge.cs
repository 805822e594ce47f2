namespace Vigil.Ledger.Merkle;

/// <summary>A tile to be stored: level, index and its hashes (a full tile has 256).</summary>
public readonly record struct TileWrite(int Level, long Index, byte[] Hashes)
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
            if (width > 0)
            {
                byte[] stored = tiles.ReadTile(level, index, width);
                stored.AsSpan(0, width * H).CopyTo(buffer);
            }

            edge._buffers.Add(buffer);
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
                _indices.Add(0);
                _widths.Add(0);
            }

            byte[] buffer = _buffers[level];
            int width = _widths[level];
            carry.CopyTo(buffer.AsSpan(width * H, H));
            width++;
            _dirty.Add(level);
            if (width < TileWidth)
            {
                _widths[level] = width;
                break;
            }

            // The tile is full: store it as is, and its root becomes the next hash one tile level up.
            _completed.Add(new TileWrite(level, _indices[level], (byte[])buffer.Clone()));
            Rfc6962.HashPerfectRange(buffer, TileWidth, carry);
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
                writes.Add(new TileWrite(level, _indices[level], _buffers[level].AsSpan(0, width * H).ToArray()));
            }
        }

        _completed.Clear();
        _dirty.Clear();
        return writes;
    }

    /// <summary>Root of the current tree.</summary>
    public byte[] Root() => new MerkleProver(this).Root(Size);

    /// <inheritdoc />
    public byte[] ReadTile(int level, long index, int minWidth)
    {
        if (level < _buffers.Count && _indices[level] == index && _widths[level] >= minWidth)
        {
            return _buffers[level];
        }

        throw new InvalidDataException($"Tile {level}/{index} is not on the right edge of the tree.");
    }
}
