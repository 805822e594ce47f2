using System.Text;
using Vigil.Ledger.Merkle;
using Vigil.Ledger.Notes;
using Vigil.Ledger.Storage;

namespace Vigil.Ledger.Tests;

/// <summary>The same storage behaviour on SQLite and on PostgreSQL.</summary>
public sealed class StorageTests : IDisposable
{
    private readonly NoteSigner _signer = NoteSigner.Create("storage.test/ledger");
    private readonly List<IDisposable> _cleanup = [];

    public static TheoryData<LedgerDatabase> Databases => new() { LedgerDatabase.Sqlite, LedgerDatabase.Postgres };

    private LedgerLog Open(LedgerDatabase database, string? reuse = null)
    {
        if (database == LedgerDatabase.Sqlite)
        {
            string path = reuse ?? Path.Combine(Track(new TempDirectory()).Path, "vigil.db");
            return LedgerLog.OpenSqlite(path, _signer);
        }

        return LedgerLog.OpenPostgres(reuse ?? Track(new PostgresDatabase()).ConnectionString, _signer);
    }

    private string Location(LedgerDatabase database) => database == LedgerDatabase.Sqlite
        ? Path.Combine(Track(new TempDirectory()).Path, "vigil.db")
        : Track(new PostgresDatabase()).ConnectionString;

    private T Track<T>(T item)
        where T : IDisposable
    {
        _cleanup.Add(item);
        return item;
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task AppendProveRestartVerify_Works(LedgerDatabase database)
    {
        string location = Location(database);
        byte[] root;
        await using (LedgerLog ledger = Open(database, location))
        {
            Assert.Equal(database, ledger.Database);
            Assert.Equal(0, await ledger.AppendBatchAsync(Enumerable.Range(0, 520).Select(Events.Sample).ToList(), CancellationToken.None));
            root = ledger.Checkpoint().Checkpoint.Root;
        }

        await using (LedgerLog ledger = Open(database, location))
        {
            Assert.Equal(520, ledger.Size());
            Assert.Equal(520, await ledger.AppendAsync(Events.Sample(520), CancellationToken.None));
            SignedCheckpoint checkpoint = ledger.Checkpoint();
            InclusionProof proof = ledger.ProveInclusion(300);
            Assert.True(MerkleVerifier.VerifyInclusion(300, 521, Rfc6962.HashLeaf(ledger.ReadEntry(300).CanonicalJson), proof.Hashes, checkpoint.Checkpoint.Root).IsValid);
            ConsistencyProof consistency = ledger.ProveConsistency(520);
            Assert.True(MerkleVerifier.VerifyConsistency(520, 521, consistency.Hashes, root, checkpoint.Checkpoint.Root).IsValid);
            LedgerVerification result = ledger.Verify(CancellationToken.None);
            Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
            Assert.Equal(2, result.CheckpointsChecked);
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task TwoLedgerInstances_AppendingToOneDatabase_NeverShareAnIndex(LedgerDatabase database)
    {
        // Two instances stand for two processes: each reloads the tree edge when the other has appended.
        string location = Location(database);
        await using LedgerLog first = Open(database, location);
        await using LedgerLog second = Open(database, location);
        Task<long>[] appends = Enumerable.Range(0, 200)
            .Select(i => (i % 2 == 0 ? first : second).AppendAsync(Events.Sample(i), CancellationToken.None))
            .ToArray();
        long[] indices = await Task.WhenAll(appends);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), indices.Order());
        LedgerVerification result = first.Verify(CancellationToken.None);
        Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
        for (int i = 0; i < 200; i += 19)
        {
            Assert.Equal(Events.Sample(i), first.ReadEntry(indices[i]).Event);
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task ChangedEntry_IsNamed(LedgerDatabase database)
    {
        await using LedgerLog ledger = Open(database);
        await ledger.AppendBatchAsync(Enumerable.Range(0, 300).Select(Events.Sample).ToList(), CancellationToken.None);
        ledger.Checkpoint();
        byte[] changed = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(ledger.ReadEntry(42).CanonicalJson).Replace("case-42", "case-43", StringComparison.Ordinal));
        Assert.Equal(1, ledger.ExecuteRawSql("UPDATE ledger_entries SET entry = @e WHERE idx = @i", ("@e", changed), ("@i", 42L)));
        LedgerVerification result = ledger.Verify(CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Equal(42, result.FirstBadIndex);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task DeletedEntry_IsNamed(LedgerDatabase database)
    {
        await using LedgerLog ledger = Open(database);
        await ledger.AppendBatchAsync(Enumerable.Range(0, 50).Select(Events.Sample).ToList(), CancellationToken.None);
        Assert.Equal(1, ledger.ExecuteRawSql("DELETE FROM ledger_entries WHERE idx = @i", ("@i", 17L)));
        Assert.Equal(17, ledger.Verify(CancellationToken.None).FirstBadIndex);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task ExportedTiles_VerifyFromTheMirrorAlone(LedgerDatabase database)
    {
        await using LedgerLog ledger = Open(database);
        await ledger.AppendBatchAsync(Enumerable.Range(0, 260).Select(Events.Sample).ToList(), CancellationToken.None);
        string older = ledger.Checkpoint().Note;
        await ledger.AppendBatchAsync(Enumerable.Range(260, 5).Select(Events.Sample).ToList(), CancellationToken.None);
        string mirror = Track(new TempDirectory()).Path;
        TileExportResult export = ledger.ExportTiles(mirror, CancellationToken.None);
        Assert.Equal(265, export.Size);
        LedgerVerification result = new TileMirror(mirror).VerifyGrowth(older, _signer.Verifier(), CancellationToken.None);
        Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
    }

    public void Dispose()
    {
        foreach (IDisposable item in Enumerable.Reverse(_cleanup))
        {
            item.Dispose();
        }

        _signer.Dispose();
    }
}
