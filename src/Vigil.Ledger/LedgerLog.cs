using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Vigil.Ledger.Merkle;
using Vigil.Ledger.Notes;
using Vigil.Ledger.Storage;

namespace Vigil.Ledger;

/// <summary>Settings of a ledger.</summary>
public sealed class LedgerOptions
{
    /// <summary>Where entry times come from.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Most events committed in one transaction when concurrent appenders are grouped.</summary>
    public int MaxBatchSize { get; init; } = 10_000;
}

/// <summary>An inclusion proof of one entry in the tree of <see cref="TreeSize"/> entries.</summary>
public sealed record InclusionProof(long Index, long TreeSize, byte[] Root, byte[] LeafHash, IReadOnlyList<byte[]> Hashes);

/// <summary>A consistency proof that the tree of <see cref="ToSize"/> entries extends the tree of <see cref="FromSize"/>.</summary>
public sealed record ConsistencyProof(long FromSize, long ToSize, byte[] FromRoot, byte[] ToRoot, IReadOnlyList<byte[]> Hashes);

/// <summary>
/// The append-only ledger of privileged actions: an RFC 6962 Merkle log in the main database, with signed
/// checkpoints. <see cref="AppendAsync"/> returns an entry's index once it is durable; concurrent appends are
/// committed together, one transaction per batch. Thread-safe.
/// </summary>
public sealed class LedgerLog : IAsyncDisposable, IDisposable
{
    /// <summary>The main database's file name inside a data directory.</summary>
    public const string DatabaseFileName = "vigil.db";

    /// <summary>The signing key's file name inside a data directory.</summary>
    public const string KeyFileName = "ledger-signing.key";

    private readonly LedgerStore _writer;
    private readonly LedgerStore _reader;
    private const int ParallelThreshold = 2048;
    private readonly Lock _readLock = new();
    private readonly CachedTiles _tiles;
    private readonly NoteSigner _signer;
    private readonly bool _ownsSigner;
    private readonly TimeProvider _time;
    private readonly int _maxBatch;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writeLoop;
    private TreeEdge? _edge;
    private int _disposed;

    private LedgerLog(LedgerDatabase database, string connectionString, NoteSigner signer, bool ownsSigner, LedgerOptions options)
    {
        _writer = LedgerStore.Open(database, connectionString);
        try
        {
            _reader = LedgerStore.Open(database, connectionString);
        }
        catch
        {
            _writer.Dispose();
            throw;
        }

        _tiles = new CachedTiles(_reader);
        _signer = signer;
        _ownsSigner = ownsSigner;
        _time = options.TimeProvider;
        _maxBatch = Math.Max(1, options.MaxBatchSize);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>The checkpoint origin, which is also the signing key's name.</summary>
    public string Origin => _signer.Name;

    /// <summary>The verifier key of the checkpoints, in the note verifier-key format.</summary>
    public string VerifierKey => _signer.VerifierKey;

    /// <summary>The database the ledger is stored in.</summary>
    public LedgerDatabase Database => _reader.Database;

    /// <summary>Opens (creating if needed) the ledger of a data directory: <c>DIR/vigil.db</c> and its key <c>DIR/ledger-signing.key</c>.</summary>
    /// <param name="dataDirectory">The <c>--data</c> directory.</param>
    /// <param name="origin">Origin and key name used only when the key is first created; default <c>vigil.local/ledger</c>.</param>
    /// <param name="options">Time provider and batching; defaults when null.</param>
    public static LedgerLog OpenDataDirectory(string dataDirectory, string? origin = null, LedgerOptions? options = null)
    {
        Directory.CreateDirectory(dataDirectory);
        NoteSigner signer = NoteSigner.LoadOrCreate(Path.Combine(dataDirectory, KeyFileName), origin ?? "vigil.local/ledger");
        try
        {
            string connection = LedgerStore.SqliteConnectionString(Path.Combine(dataDirectory, DatabaseFileName));
            return new LedgerLog(LedgerDatabase.Sqlite, connection, signer, ownsSigner: true, options ?? new LedgerOptions());
        }
        catch
        {
            signer.Dispose();
            throw;
        }
    }

    /// <summary>Opens the ledger in a SQLite database file, signing with <paramref name="signer"/> (not disposed by the ledger).</summary>
    public static LedgerLog OpenSqlite(string databasePath, NoteSigner signer, LedgerOptions? options = null) =>
        new(LedgerDatabase.Sqlite, LedgerStore.SqliteConnectionString(databasePath), signer, ownsSigner: false, options ?? new LedgerOptions());

    /// <summary>Opens the ledger in a PostgreSQL database, signing with <paramref name="signer"/> (not disposed by the ledger).</summary>
    public static LedgerLog OpenPostgres(string connectionString, NoteSigner signer, LedgerOptions? options = null) =>
        new(LedgerDatabase.Postgres, connectionString, signer, ownsSigner: false, options ?? new LedgerOptions());

    /// <summary>
    /// Records an event and returns its index once it is durable. The ledger stamps the time. Cancelling stops the
    /// wait only: an event handed over may still be recorded.
    /// </summary>
    /// <exception cref="ArgumentException">A field of the event is invalid; the message names it.</exception>
    public async Task<long> AppendAsync(LedgerEvent e, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.Validate();
        var pending = new PendingAppend([e]);
        Enqueue(pending);
        return await pending.Done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Records events in one transaction, in order, and returns the first one's index once all are durable.</summary>
    public async Task<long> AppendBatchAsync(IReadOnlyList<LedgerEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("The batch is empty.", nameof(events));
        }

        for (int i = 0; i < events.Count; i++)
        {
            try
            {
                events[i].Validate();
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"Event {i}: {ex.Message}", ex.ParamName, ex);
            }
        }

        var pending = new PendingAppend(events);
        Enqueue(pending);
        return await pending.Done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The number of entries committed.</summary>
    public long Size()
    {
        lock (_readLock)
        {
            return _reader.ReadSize();
        }
    }

    /// <summary>The signed checkpoint of the current tree, signing and storing a new one when the tree grew.</summary>
    public SignedCheckpoint Checkpoint()
    {
        lock (_readLock)
        {
            long size = _reader.ReadSize();
            var latest = _reader.LatestCheckpoint();
            if (latest is { } stored && stored.Size == size)
            {
                return SignedCheckpoint.Parse(stored.Note, null);
            }

            byte[] root = new MerkleProver(_tiles).Root(size);
            var checkpoint = new Checkpoint(Origin, size, root);
            string note = _signer.Sign(checkpoint.ToText());
            _reader.InsertCheckpoint(size, root, note);
            return new SignedCheckpoint(checkpoint, note);
        }
    }

    /// <summary>The latest stored signed checkpoint, or null when none was made yet.</summary>
    public SignedCheckpoint? LatestCheckpoint()
    {
        lock (_readLock)
        {
            return _reader.LatestCheckpoint() is { } stored ? SignedCheckpoint.Parse(stored.Note, null) : null;
        }
    }

    /// <summary>Reads entry <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such entry.</exception>
    public LedgerEntry ReadEntry(long index)
    {
        lock (_readLock)
        {
            long size = _reader.ReadSize();
            if (index < 0 || index >= size)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"Entry {index} is not in the ledger (size {size}).");
            }

            byte[] entry = _reader.ReadEntry(index) ?? throw new InvalidDataException($"Entry {index} is missing from the database.");
            return LedgerEntry.Parse(index, entry);
        }
    }

    /// <summary>The inclusion proof of entry <paramref name="index"/> in the tree of <paramref name="treeSize"/> entries (default: the current size).</summary>
    public InclusionProof ProveInclusion(long index, long? treeSize = null)
    {
        lock (_readLock)
        {
            long size = CheckSize(treeSize);
            if (index < 0 || index >= size)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"Entry {index} is not in the tree of size {size}.");
            }

            var prover = new MerkleProver(_tiles);
            var leaf = new byte[Rfc6962.HashSize];
            prover.NodeHash(0, index, leaf);
            return new InclusionProof(index, size, prover.Root(size), leaf, prover.InclusionProof(index, size));
        }
    }

    /// <summary>The consistency proof between tree sizes <paramref name="fromSize"/> and <paramref name="toSize"/> (default: the current size).</summary>
    public ConsistencyProof ProveConsistency(long fromSize, long? toSize = null)
    {
        lock (_readLock)
        {
            long size = CheckSize(toSize);
            if (fromSize < 1 || fromSize > size)
            {
                throw new ArgumentOutOfRangeException(nameof(fromSize), $"The older size must be between 1 and {size}; got {fromSize}.");
            }

            var prover = new MerkleProver(_tiles);
            return new ConsistencyProof(fromSize, size, prover.Root(fromSize), prover.Root(size), prover.ConsistencyProof(fromSize, size));
        }
    }

    /// <summary>
    /// Recomputes the tree from the stored entries and checks it against the stored tree state and every stored
    /// checkpoint (and its signature). A changed, deleted, inserted or reordered entry is reported with its index.
    /// </summary>
    public LedgerVerification Verify(CancellationToken ct)
    {
        lock (_readLock)
        {
            return LedgerVerifier.Verify(_reader, _signer.Verifier(), ct);
        }
    }

    /// <summary>Exports the log to <paramref name="directory"/> in the C2SP tlog-tiles layout, writing only what changed.</summary>
    public TileExportResult ExportTiles(string directory, CancellationToken ct)
    {
        SignedCheckpoint checkpoint = Checkpoint();
        lock (_readLock)
        {
            return TileExporter.Export(_reader, checkpoint, directory, ct);
        }
    }

    /// <summary>
    /// Hashes of tile (<paramref name="level"/>, <paramref name="index"/>) cut to <paramref name="width"/> (256 for a full tile),
    /// as served at <c>tile/L/N[.p/W]</c>; null when the tree does not yet hold that tile at that width.
    /// </summary>
    public byte[]? ReadTile(int level, long index, int width)
    {
        if (level is < 0 or > 7 || index < 0 || width is < 1 or > TreeEdge.TileWidth)
        {
            return null;
        }

        lock (_readLock)
        {
            long nodes = _reader.ReadSize() >> (8 * level);
            if (index > nodes / TreeEdge.TileWidth || (index * TreeEdge.TileWidth) + width > nodes)
            {
                return null;
            }

            return _reader.ReadTile(level, index, width).Hashes.AsSpan(0, width * Rfc6962.HashSize).ToArray();
        }
    }

    /// <summary>Entry bundle <paramref name="index"/> cut to <paramref name="width"/> entries, as served at <c>tile/entries/N[.p/W]</c>; null when not yet complete.</summary>
    public byte[]? ReadEntryBundle(long index, int width)
    {
        if (index < 0 || width is < 1 or > TreeEdge.TileWidth)
        {
            return null;
        }

        lock (_readLock)
        {
            long size = _reader.ReadSize();
            if (index > size / TreeEdge.TileWidth || (index * TreeEdge.TileWidth) + width > size)
            {
                return null;
            }

            using var bundle = new MemoryStream();
            TileExporter.WriteBundle(_reader, index, width, bundle);
            return bundle.ToArray();
        }
    }

    /// <summary>Runs raw SQL against the ledger's database: for tests that tamper with the tables.</summary>
    internal int ExecuteRawSql(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_readLock)
        {
            return _reader.Execute(sql, parameters);
        }
    }

    private long CheckSize(long? requested)
    {
        long size = _reader.ReadSize();
        if (requested is { } wanted)
        {
            if (wanted < 1 || wanted > size)
            {
                throw new ArgumentOutOfRangeException(nameof(requested), $"Tree size {wanted} is not between 1 and the ledger size {size}.");
            }

            return wanted;
        }

        return size;
    }

    private void Enqueue(PendingAppend pending)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0 || !_queue.Writer.TryWrite(pending), this);
    }

    private async Task WriteLoopAsync()
    {
        ChannelReader<PendingAppend> reader = _queue.Reader;
        var batch = new List<PendingAppend>();
        var entries = new List<byte[]>();
        var json = new ArrayBufferWriter<byte>(1024);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            int count = 0;
            while (count < _maxBatch && reader.TryRead(out PendingAppend? next))
            {
                batch.Add(next);
                count += next.Events.Count;
            }

            try
            {
                long first = Commit(batch, entries, json);
                foreach (PendingAppend pending in batch)
                {
                    pending.Done.TrySetResult(first);
                    first += pending.Events.Count;
                }
            }
            catch (Exception ex)
            {
                foreach (PendingAppend pending in batch)
                {
                    pending.Done.TrySetException(ex);
                }
            }
        }
    }

    private long Commit(List<PendingAppend> batch, List<byte[]> entries, ArrayBufferWriter<byte> json)
    {
        entries.Clear();
        _writer.BeginWrite();
        try
        {
            // Another process may have appended since our last batch: then the tree edge is reloaded.
            long size = _writer.ReadSize();
            if (_edge is null || _edge.Size != size)
            {
                _edge = TreeEdge.Restore(size, _writer);
            }

            int count = batch.Sum(p => p.Events.Count);
            if (count >= ParallelThreshold)
            {
                EncodeInParallel(batch, count, entries);
            }
            else
            {
                Span<byte> leaf = stackalloc byte[Rfc6962.HashSize];
                foreach (PendingAppend pending in batch)
                {
                    foreach (LedgerEvent e in pending.Events)
                    {
                        json.ResetWrittenCount();
                        CanonicalJson.Write(e, _time.GetUtcNow(), json);
                        Rfc6962.HashLeaf(json.WrittenSpan, leaf);
                        _edge.Append(leaf);
                        entries.Add(json.WrittenSpan.ToArray());
                    }
                }
            }

            _writer.InsertEntries(size, entries);
            _writer.WriteTiles(_edge.TakeChangedTiles());
            _writer.WriteSize(_edge.Size);
            _writer.CommitWrite();
            return size;
        }
        catch
        {
            _edge = null;
            _writer.RollbackWrite();
            throw;
        }
    }

    /// <summary>
    /// Large batches: stamp times in order, then write the canonical JSON and leaf hashes on all cores (the only
    /// per-entry CPU work that does not depend on the previous entry), then extend the tree in order.
    /// </summary>
    private void EncodeInParallel(List<PendingAppend> batch, int count, List<byte[]> entries)
    {
        var events = new LedgerEvent[count];
        var times = new DateTimeOffset[count];
        int at = 0;
        foreach (PendingAppend pending in batch)
        {
            foreach (LedgerEvent e in pending.Events)
            {
                events[at] = e;
                times[at] = _time.GetUtcNow();
                at++;
            }
        }

        var encoded = new byte[count][];
        var leaves = new byte[count * Rfc6962.HashSize];
        Parallel.ForEach(Partitioner.Create(0, count, 1024), range =>
        {
            var buffer = new ArrayBufferWriter<byte>(1024);
            for (int i = range.Item1; i < range.Item2; i++)
            {
                buffer.ResetWrittenCount();
                CanonicalJson.Write(events[i], times[i], buffer);
                encoded[i] = buffer.WrittenSpan.ToArray();
                Rfc6962.HashLeaf(encoded[i], leaves.AsSpan(i * Rfc6962.HashSize, Rfc6962.HashSize));
            }
        });

        for (int i = 0; i < count; i++)
        {
            _edge!.Append(leaves.AsSpan(i * Rfc6962.HashSize, Rfc6962.HashSize));
            entries.Add(encoded[i]);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writeLoop.ConfigureAwait(false);
        _writer.Dispose();
        _reader.Dispose();
        if (_ownsSigner)
        {
            _signer.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Tiles read for proofs, kept: a tile's first W hashes (and the interior nodes they complete) never change, so a
    /// cached tile serves any request for at most its width. Upper levels are few (n / 65 536) and cached long; level 0
    /// only briefly. Verification never uses this cache: it reads what is stored.
    /// </summary>
    private sealed class CachedTiles(LedgerStore store) : ITileReader
    {
        private const int MaxUpper = 8192;
        private const int MaxLeaves = 256;
        private readonly Dictionary<(int Level, long Index), TileData> _upper = [];
        private readonly Dictionary<long, TileData> _leaves = [];

        public TileData ReadTile(int level, long index, int minWidth)
        {
            int need = minWidth * Rfc6962.HashSize;
            if (level == 0 ? _leaves.TryGetValue(index, out TileData hit) : _upper.TryGetValue((level, index), out hit))
            {
                if (hit.Hashes.Length >= need)
                {
                    return hit;
                }
            }

            TileData tile = store.ReadTile(level, index, minWidth);
            if (level == 0)
            {
                if (_leaves.Count >= MaxLeaves)
                {
                    _leaves.Clear();
                }

                _leaves[index] = tile;
            }
            else
            {
                if (_upper.Count >= MaxUpper)
                {
                    _upper.Clear();
                }

                _upper[(level, index)] = tile;
            }

            return tile;
        }
    }

    private sealed class PendingAppend(IReadOnlyList<LedgerEvent> events)
    {
        public IReadOnlyList<LedgerEvent> Events { get; } = events;

        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
