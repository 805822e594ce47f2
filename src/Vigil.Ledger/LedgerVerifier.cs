using System.Globalization;
using Vigil.Ledger.Merkle;
using Vigil.Ledger.Notes;
using Vigil.Ledger.Storage;

namespace Vigil.Ledger;

/// <summary>One thing verification found wrong; <see cref="Index"/> names the entry when one is to blame.</summary>
public sealed record LedgerProblem(long? Index, string Message);

/// <summary>The outcome of verifying a ledger or a tile mirror.</summary>
public sealed record LedgerVerification(long Size, long EntriesChecked, int CheckpointsChecked, IReadOnlyList<LedgerProblem> Problems)
{
    /// <summary>True when nothing is wrong.</summary>
    public bool IsValid => Problems.Count == 0;

    /// <summary>The lowest entry index named by a problem, if any.</summary>
    public long? FirstBadIndex => Problems.Where(p => p.Index is not null).Select(p => p.Index).Min();
}

/// <summary>Recomputes a stored ledger's tree from its entries and checks tiles and checkpoints against it.</summary>
internal static class LedgerVerifier
{
    private const int MaxProblems = 100;

    public static LedgerVerification Verify(LedgerStore store, NoteVerifier verifier, CancellationToken ct)
    {
        long size = store.ReadSize();
        var problems = new List<LedgerProblem>();
        List<(long Size, byte[] Root, string Note)> checkpoints = store.Checkpoints();
        foreach ((long cpSize, byte[] cpRoot, string note) in checkpoints)
        {
            try
            {
                Checkpoint parsed = SignedCheckpoint.Parse(note, verifier).Checkpoint;
                if (parsed.Size != cpSize || !parsed.Root.AsSpan().SequenceEqual(cpRoot))
                {
                    problems.Add(new LedgerProblem(null, $"The stored checkpoint at size {cpSize} differs from its signed note."));
                }
            }
            catch (FormatException ex)
            {
                problems.Add(new LedgerProblem(null, $"The stored checkpoint at size {cpSize} is not valid: {ex.Message}"));
            }

            if (cpSize > size)
            {
                problems.Add(new LedgerProblem(size, $"A checkpoint was signed at size {cpSize} but the ledger holds only {size} entries: entries were removed."));
            }
        }

        var rebuilt = new TreeEdge();
        var changed = new SortedSet<long>();
        int nextCheckpoint = 0;
        CheckCheckpoints(rebuilt, checkpoints, ref nextCheckpoint, problems);

        long expected = 0;
        TileData? storedTile = null;
        long storedTileIndex = -1;
        bool aligned = true;
        Span<byte> leaf = stackalloc byte[Rfc6962.HashSize];
        // Entries are read in chunks, never with a reader left open: PostgreSQL runs one command at a time per connection.
        foreach ((long index, byte[] entry) in Chunked(store, size))
        {
            if ((index & 4095) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            if (index != expected)
            {
                problems.Add(new LedgerProblem(expected, $"Entry {expected} is missing: it was deleted, or later entries were renumbered."));
                aligned = false;
                break;
            }

            if (index >= size)
            {
                problems.Add(new LedgerProblem(index, $"Entry {index} is beyond the committed tree size {size}: it was inserted."));
                aligned = false;
                break;
            }

            Rfc6962.HashLeaf(entry, leaf);
            if (index >> 8 != storedTileIndex)
            {
                storedTileIndex = index >> 8;
                storedTile = TryReadTile(store, 0, storedTileIndex, (int)Math.Min(256, size - (storedTileIndex * 256)), problems);
            }

            if (storedTile is { } stored && !leaf.SequenceEqual(stored.Hashes.AsSpan((int)(index & 255) * Rfc6962.HashSize, Rfc6962.HashSize)))
            {
                problems.Add(new LedgerProblem(index, $"Entry {index} was changed: its hash does not match the stored tree."));
                changed.Add(index);
            }

            rebuilt.Append(leaf);
            if ((rebuilt.Size & 255) == 0)
            {
                CompareTiles(store, rebuilt.TakeChangedTiles(), fullOnly: true, changed, problems);
            }

            CheckCheckpoints(rebuilt, checkpoints, ref nextCheckpoint, problems);
            expected++;
            if (problems.Count >= MaxProblems)
            {
                aligned = false;
                break;
            }
        }

        if (aligned && expected < size)
        {
            problems.Add(new LedgerProblem(expected, $"Entries {expected} to {size - 1} are missing."));
        }

        if (aligned && expected == size)
        {
            CompareTiles(store, [.. rebuilt.TakeChangedTiles().Where(t => t.Width == TreeEdge.TileWidth), .. rebuilt.PartialTiles()], fullOnly: false, changed, problems);
        }

        return new LedgerVerification(size, expected, checkpoints.Count, problems);
    }

    private static IEnumerable<(long Index, byte[] Entry)> Chunked(LedgerStore store, long size)
    {
        const int Chunk = 4096;
        for (long from = 0; from < size; from += Chunk)
        {
            foreach ((long Index, byte[] Entry) row in store.ReadEntries(from, Math.Min(from + Chunk, size)).ToList())
            {
                yield return row;
            }
        }

        // A row past the committed size was inserted behind the ledger's back.
        foreach ((long Index, byte[] Entry) row in store.ReadEntries(size, long.MaxValue).Take(1).ToList())
        {
            yield return row;
        }
    }

    private static void CheckCheckpoints(TreeEdge rebuilt, List<(long Size, byte[] Root, string Note)> checkpoints, ref int next, List<LedgerProblem> problems)
    {
        while (next < checkpoints.Count && checkpoints[next].Size == rebuilt.Size)
        {
            if (!rebuilt.Root().AsSpan().SequenceEqual(checkpoints[next].Root))
            {
                long size = checkpoints[next].Size;
                // No single index: the entries' own hashes were checked above; this catches a rewritten tree.
                problems.Add(new LedgerProblem(
                    null,
                    string.Create(CultureInfo.InvariantCulture, $"The entries do not match the checkpoint signed at size {size}: an entry below {size} differs from what was signed.")));
            }

            next++;
        }
    }

    private static void CompareTiles(LedgerStore store, List<TileWrite> tiles, bool fullOnly, SortedSet<long> changed, List<LedgerProblem> problems)
    {
        foreach (TileWrite tile in tiles)
        {
            if (fullOnly && tile.Width != TreeEdge.TileWidth)
            {
                continue;
            }

            // A tile above an entry already reported as changed differs as a consequence; do not report it twice.
            int shift = Math.Min(62, 8 * (tile.Level + 1));
            long firstLeaf = tile.Index << shift;
            long lastLeaf = firstLeaf + (1L << shift) - 1;
            if (changed.Count > 0 && tile.Index <= (long.MaxValue >> shift) && changed.GetViewBetween(firstLeaf, lastLeaf).Count > 0)
            {
                continue;
            }

            // Level 0 hashes were compared leaf by leaf (naming each changed entry); interiors feed proofs, so they count too.
            TileData? read = TryReadTile(store, tile.Level, tile.Index, tile.Width, problems);
            if (read is { } stored
                && ((tile.Level > 0 && !stored.Hashes.AsSpan(0, tile.Hashes.Length).SequenceEqual(tile.Hashes))
                    || !stored.Interior.AsSpan().SequenceEqual(tile.Interior)))
            {
                problems.Add(new LedgerProblem(null, $"Stored tile {tile.Level}/{tile.Index} does not match the tree recomputed from the entries."));
            }
        }
    }

    private static TileData? TryReadTile(LedgerStore store, int level, long index, int width, List<LedgerProblem> problems)
    {
        try
        {
            return store.ReadTile(level, index, width);
        }
        catch (InvalidDataException ex)
        {
            problems.Add(new LedgerProblem(null, ex.Message));
            return null;
        }
    }
}
