using System.Buffers.Binary;
using System.Globalization;
using Vigil.Ledger.Merkle;
using Vigil.Ledger.Notes;

namespace Vigil.Ledger;

/// <summary>
/// A log mirrored in the C2SP tlog-tiles layout (as written by <see cref="LedgerLog.ExportTiles"/>), checked from
/// its files alone: an overseer needs only the folder, an older checkpoint and the verifier key.
/// </summary>
public sealed class TileMirror : ITileReader
{
    private readonly string _root;

    /// <summary>Opens the mirror at <paramref name="directory"/>.</summary>
    public TileMirror(string directory) => _root = directory;

    /// <inheritdoc />
    public TileData ReadTile(int level, long index, int minWidth)
    {
        string full = Path.Combine(_root, TilePaths.Tile(level, index, TreeEdge.TileWidth));
        if (File.Exists(full))
        {
            return new TileData(ReadHashes(full, TreeEdge.TileWidth), null);
        }

        string partials = full + ".p";
        if (Directory.Exists(partials))
        {
            int best = int.MaxValue;
            foreach (string file in Directory.EnumerateFiles(partials))
            {
                if (int.TryParse(Path.GetFileName(file), NumberStyles.None, CultureInfo.InvariantCulture, out int width)
                    && width >= minWidth && width < best && width < TreeEdge.TileWidth)
                {
                    best = width;
                }
            }

            if (best != int.MaxValue)
            {
                return new TileData(ReadHashes(Path.Combine(partials, best.ToString(CultureInfo.InvariantCulture)), best), null);
            }
        }

        throw new InvalidDataException($"Tile {level}/{index} with at least {minWidth} hashes is missing from the mirror.");
    }

    /// <summary>
    /// Checks that the mirror's checkpoint extends <paramref name="olderCheckpointNote"/>: both signatures verify
    /// (when a verifier is given), a consistency proof built from the tiles verifies, and every entry bundle hashes
    /// to the tiles and the newer root. Changed, missing, inserted or reordered entries are named by index.
    /// </summary>
    public LedgerVerification VerifyGrowth(string olderCheckpointNote, NoteVerifier? verifier, CancellationToken ct)
    {
        var problems = new List<LedgerProblem>();
        SignedCheckpoint newer;
        SignedCheckpoint older;
        try
        {
            newer = SignedCheckpoint.Parse(File.ReadAllText(Path.Combine(_root, "checkpoint")), verifier);
        }
        catch (Exception ex) when (ex is FormatException or IOException)
        {
            problems.Add(new LedgerProblem(null, "The mirror's checkpoint: " + ex.Message));
            return new LedgerVerification(0, 0, 0, problems);
        }

        try
        {
            older = SignedCheckpoint.Parse(olderCheckpointNote, verifier);
        }
        catch (FormatException ex)
        {
            problems.Add(new LedgerProblem(null, "The older checkpoint: " + ex.Message));
            return new LedgerVerification(newer.Checkpoint.Size, 0, 1, problems);
        }

        Checkpoint a = older.Checkpoint;
        Checkpoint b = newer.Checkpoint;
        if (!string.Equals(a.Origin, b.Origin, StringComparison.Ordinal))
        {
            problems.Add(new LedgerProblem(null, $"The checkpoints are of different logs: '{a.Origin}' and '{b.Origin}'."));
        }
        else if (a.Size > b.Size)
        {
            problems.Add(new LedgerProblem(b.Size, $"The log shrank from {a.Size} to {b.Size} entries."));
        }
        else
        {
            CheckConsistency(a, b, problems);
        }

        long checkedEntries = CheckEntries(a, b, problems, ct);
        return new LedgerVerification(b.Size, checkedEntries, 2, problems);
    }

    private void CheckConsistency(Checkpoint a, Checkpoint b, List<LedgerProblem> problems)
    {
        try
        {
            ProofCheck check;
            if (a.Size == 0)
            {
                check = a.Root.AsSpan().SequenceEqual(Rfc6962.EmptyRoot) ? ProofCheck.Valid : ProofCheck.Invalid("the empty tree's root is wrong");
            }
            else
            {
                List<byte[]> proof = new MerkleProver(this).ConsistencyProof(a.Size, b.Size);
                check = MerkleVerifier.VerifyConsistency((ulong)a.Size, (ulong)b.Size, proof, a.Root, b.Root);
            }

            if (!check.IsValid)
            {
                problems.Add(new LedgerProblem(null, $"The tree at size {b.Size} does not extend the tree at size {a.Size}: {check.Error}."));
            }
        }
        catch (InvalidDataException ex)
        {
            problems.Add(new LedgerProblem(null, ex.Message));
        }
    }

    private long CheckEntries(Checkpoint older, Checkpoint newer, List<LedgerProblem> problems, CancellationToken ct)
    {
        var rebuilt = new TreeEdge();
        Span<byte> leaf = stackalloc byte[Rfc6962.HashSize];
        long size = newer.Size;
        for (long bundleIndex = 0; bundleIndex <= (size - 1) >> 8 && size > 0; bundleIndex++)
        {
            ct.ThrowIfCancellationRequested();
            int width = (int)Math.Min(256, size - (bundleIndex * 256));
            byte[] bundle;
            byte[] tile;
            try
            {
                bundle = ReadBundle(bundleIndex, width);
                tile = ReadTile(0, bundleIndex, width).Hashes;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                problems.Add(new LedgerProblem(bundleIndex * 256, ex.Message));
                return rebuilt.Size;
            }

            int offset = 0;
            for (int i = 0; i < width; i++)
            {
                long index = (bundleIndex * 256) + i;
                if (offset + 2 > bundle.Length || offset + 2 + BinaryPrimitives.ReadUInt16BigEndian(bundle.AsSpan(offset)) > bundle.Length)
                {
                    problems.Add(new LedgerProblem(index, $"Entry {index} is missing: bundle {bundleIndex} ends after {i} entries."));
                    return rebuilt.Size;
                }

                int length = BinaryPrimitives.ReadUInt16BigEndian(bundle.AsSpan(offset));
                Rfc6962.HashLeaf(bundle.AsSpan(offset + 2, length), leaf);
                offset += 2 + length;
                if (!leaf.SequenceEqual(tile.AsSpan(i * Rfc6962.HashSize, Rfc6962.HashSize)))
                {
                    problems.Add(new LedgerProblem(index, $"Entry {index} does not match the leaf hash in tile 0/{bundleIndex}: it was changed, inserted or moved."));
                }

                rebuilt.Append(leaf);
                if (rebuilt.Size == older.Size && !rebuilt.Root().AsSpan().SequenceEqual(older.Root))
                {
                    problems.Add(new LedgerProblem(null, $"The first {older.Size} entries do not hash to the older checkpoint's root."));
                }
            }

            if (offset != bundle.Length)
            {
                problems.Add(new LedgerProblem((bundleIndex * 256) + width, $"Bundle {bundleIndex} holds more than {width} entries: an entry was inserted."));
            }
        }

        if (!rebuilt.Root().AsSpan().SequenceEqual(newer.Root))
        {
            problems.Add(new LedgerProblem(null, $"The entries do not hash to the checkpoint's root at size {size}."));
        }

        return rebuilt.Size;
    }

    private byte[] ReadBundle(long index, int width)
    {
        string path = Path.Combine(_root, TilePaths.EntryBundle(index, width));
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"Entry bundle {index} with {width} entries is missing from the mirror.");
        }

        return File.ReadAllBytes(path);
    }

    private static byte[] ReadHashes(string path, int width)
    {
        byte[] hashes = File.ReadAllBytes(path);
        if (hashes.Length != width * Rfc6962.HashSize)
        {
            throw new InvalidDataException($"Tile file {path} is {hashes.Length} bytes; {width * Rfc6962.HashSize} expected.");
        }

        return hashes;
    }
}
