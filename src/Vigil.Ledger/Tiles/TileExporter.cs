using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Vigil.Ledger.Merkle;
using Vigil.Ledger.Notes;
using Vigil.Ledger.Storage;

namespace Vigil.Ledger;

/// <summary>What an export wrote: the tree size exported and how many files were new.</summary>
public sealed record TileExportResult(long Size, int TilesWritten, int BundlesWritten, string CheckpointPath);

/// <summary>Paths of the C2SP tlog-tiles layout.</summary>
public static class TilePaths
{
    /// <summary>Path of a hash tile relative to the log root: <c>tile/L/N</c> or <c>tile/L/N.p/W</c> for a partial tile.</summary>
    public static string Tile(int level, long index, int width) =>
        $"tile/{level.ToString(CultureInfo.InvariantCulture)}/{EncodeIndex(index)}{Partial(width)}";

    /// <summary>Path of an entry bundle relative to the log root: <c>tile/entries/N</c> or <c>tile/entries/N.p/W</c>.</summary>
    public static string EntryBundle(long index, int width) => $"tile/entries/{EncodeIndex(index)}{Partial(width)}";

    /// <summary>Encodes a tile index as three-digit path elements, all but the last prefixed with <c>x</c>: 1234067 → x001/x234/067.</summary>
    public static string EncodeIndex(long index)
    {
        string digits = index.ToString(CultureInfo.InvariantCulture);
        digits = digits.PadLeft((digits.Length + 2) / 3 * 3, '0');
        var path = new StringBuilder();
        for (int i = 0; i < digits.Length; i += 3)
        {
            if (i + 3 < digits.Length)
            {
                path.Append('x').Append(digits, i, 3).Append('/');
            }
            else
            {
                path.Append(digits, i, 3);
            }
        }

        return path.ToString();
    }

    private static string Partial(int width) => width is 0 or TreeEdge.TileWidth ? "" : $".p/{width.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>Writes the stored log to a folder in the tlog-tiles layout; full tiles and bundles already there are kept.</summary>
internal static class TileExporter
{
    public static TileExportResult Export(LedgerStore store, SignedCheckpoint checkpoint, string directory, CancellationToken ct)
    {
        long size = checkpoint.Checkpoint.Size;
        int tiles = 0;
        for (int level = 0; (size >> (8 * level)) > 0; level++)
        {
            long nodes = size >> (8 * level);
            for (long index = 0; index <= nodes >> 8; index++)
            {
                ct.ThrowIfCancellationRequested();
                int width = (int)Math.Min(256, nodes - (index * 256));
                if (width == 0)
                {
                    continue;
                }

                string path = Path.Combine(directory, TilePaths.Tile(level, index, width));
                if (!File.Exists(path))
                {
                    byte[] tile = store.ReadTile(level, index, width).Hashes;
                    WriteAtomically(path, tile.AsSpan(0, width * Rfc6962.HashSize));
                    tiles++;
                }
            }
        }

        int bundles = 0;
        var bundle = new MemoryStream();
        for (long index = 0; index <= size >> 8; index++)
        {
            ct.ThrowIfCancellationRequested();
            int width = (int)Math.Min(256, size - (index * 256));
            if (width == 0)
            {
                continue;
            }

            string path = Path.Combine(directory, TilePaths.EntryBundle(index, width));
            if (File.Exists(path))
            {
                continue;
            }

            WriteBundle(store, index, width, bundle);
            WriteAtomically(path, bundle.GetBuffer().AsSpan(0, (int)bundle.Length));
            bundles++;
        }

        // The checkpoint goes last, so a mirror never sees a checkpoint whose tiles are not there yet.
        string checkpointPath = Path.Combine(directory, "checkpoint");
        WriteAtomically(checkpointPath, Encoding.UTF8.GetBytes(checkpoint.Note));
        return new TileExportResult(size, tiles, bundles, checkpointPath);
    }

    /// <summary>Writes entry bundle <paramref name="index"/> (its first <paramref name="width"/> entries, each a big-endian uint16 length then the bytes).</summary>
    public static void WriteBundle(LedgerStore store, long index, int width, MemoryStream bundle)
    {
        bundle.SetLength(0);
        long expected = index * 256;
        Span<byte> length = stackalloc byte[2];
        foreach ((long entryIndex, byte[] entry) in store.ReadEntries(expected, expected + width).ToList())
        {
            if (entryIndex != expected)
            {
                throw new InvalidDataException($"Entry {expected} is missing from the database; run 'vigil ledger verify'.");
            }

            BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)entry.Length));
            bundle.Write(length);
            bundle.Write(entry);
            expected++;
        }

        if (expected != (index * 256) + width)
        {
            throw new InvalidDataException($"Entry {expected} is missing from the database; run 'vigil ledger verify'.");
        }
    }

    private static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
