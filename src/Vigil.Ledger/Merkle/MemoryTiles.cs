namespace Vigil.Ledger.Merkle;

/// <summary>Tiles held in memory: for tests, benchmarks and building a tree in one go.</summary>
public sealed class MemoryTiles : ITileReader
{
    private readonly Dictionary<(int Level, long Index), TileData> _tiles = [];

    /// <summary>Number of tiles held.</summary>
    public int Count => _tiles.Count;

    /// <summary>Stores tiles, replacing narrower versions.</summary>
    public void Apply(IEnumerable<TileWrite> writes)
    {
        foreach (TileWrite write in writes)
        {
            _tiles[(write.Level, write.Index)] = new TileData(write.Hashes, write.Interior);
        }
    }

    /// <summary>All tiles held, in no particular order.</summary>
    public IEnumerable<TileWrite> All() => _tiles.Select(t => new TileWrite(t.Key.Level, t.Key.Index, t.Value.Hashes, t.Value.Interior));

    /// <inheritdoc />
    public TileData ReadTile(int level, long index, int minWidth)
    {
        if (_tiles.TryGetValue((level, index), out TileData tile) && tile.Hashes.Length >= minWidth * Rfc6962.HashSize)
        {
            return tile;
        }

        throw new InvalidDataException($"Tile {level}/{index} with at least {minWidth} hashes is missing.");
    }

    /// <summary>Builds the tiles of a tree over the given leaf hashes.</summary>
    public static MemoryTiles Build(IEnumerable<byte[]> leafHashes, out TreeEdge edge)
    {
        var tiles = new MemoryTiles();
        edge = new TreeEdge();
        foreach (byte[] leaf in leafHashes)
        {
            edge.Append(leaf);
        }

        tiles.Apply(edge.TakeChangedTiles());
        return tiles;
    }
}
