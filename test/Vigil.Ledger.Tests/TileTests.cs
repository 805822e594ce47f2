using System.Security.Cryptography;
using Vigil.Ledger.Merkle;
using Vigil.Ledger.Notes;

namespace Vigil.Ledger.Tests;

public class TileTests
{
    [Theory]
    [InlineData(0, "000")]
    [InlineData(7, "007")]
    [InlineData(999, "999")]
    [InlineData(1000, "x001/000")]
    [InlineData(1234067, "x001/x234/067")]
    public void IndexEncoding_FollowsTlogTiles(long index, string path) => Assert.Equal(path, TilePaths.EncodeIndex(index));

    [Fact]
    public void TilePaths_MarkPartialTiles()
    {
        Assert.Equal("tile/0/x001/234", TilePaths.Tile(0, 1234, 256));
        Assert.Equal("tile/2/005.p/17", TilePaths.Tile(2, 5, 17));
        Assert.Equal("tile/entries/000.p/3", TilePaths.EntryBundle(0, 3));
    }

    [Fact]
    public async Task Export_IsIncremental_AndTheMirrorVerifiesGrowth()
    {
        using var dir = new TempDirectory();
        using var mirror = new TempDirectory();
        await using LedgerLog ledger = LedgerLog.OpenDataDirectory(dir.Path, "tiles.test/ledger");
        await ledger.AppendBatchAsync(Enumerable.Range(0, 70_000 / 100).Select(Events.Sample).ToList(), CancellationToken.None);
        TileExportResult first = ledger.ExportTiles(mirror.Path, CancellationToken.None);
        string oldCheckpoint = File.ReadAllText(first.CheckpointPath);
        Assert.Equal(700, first.Size);
        Assert.Equal(2 + 1 + 1, first.TilesWritten); // level 0: 2 full + 1 partial; level 1: 1 partial
        Assert.Equal(3, first.BundlesWritten);
        Assert.Equal(ledger.Checkpoint().Note, oldCheckpoint);
        Assert.Equal(256 * 32, new FileInfo(Path.Combine(mirror.Path, "tile/0/000")).Length);
        Assert.Equal(188 * 32, new FileInfo(Path.Combine(mirror.Path, "tile/0/002.p/188")).Length);

        await ledger.AppendBatchAsync(Enumerable.Range(700, 200).Select(Events.Sample).ToList(), CancellationToken.None);
        TileExportResult second = ledger.ExportTiles(mirror.Path, CancellationToken.None);
        Assert.Equal(900, second.Size);
        Assert.Equal(1 + 1 + 1, second.TilesWritten); // 0/002 now full, 0/003.p/132, 1/000.p/3
        Assert.Equal(2, second.BundlesWritten);

        var tiles = new TileMirror(mirror.Path);
        NoteVerifier verifier = NoteVerifier.Parse(ledger.VerifierKey);
        LedgerVerification result = tiles.VerifyGrowth(oldCheckpoint, verifier, CancellationToken.None);
        Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal(900, result.EntriesChecked);

        // Proofs built from the mirror alone equal the ledger's.
        Assert.Equal(ledger.ProveInclusion(456).Hashes, new MerkleProver(tiles).InclusionProof(456, 900));
    }

    [Fact]
    public async Task Mirror_NamesAChangedEntryInABundle()
    {
        using var dir = new TempDirectory();
        using var mirror = new TempDirectory();
        await using LedgerLog ledger = LedgerLog.OpenDataDirectory(dir.Path, "tiles.test/ledger");
        await ledger.AppendBatchAsync(Enumerable.Range(0, 300).Select(Events.Sample).ToList(), CancellationToken.None);
        string old = ledger.Checkpoint().Note;
        await ledger.AppendBatchAsync(Enumerable.Range(300, 30).Select(Events.Sample).ToList(), CancellationToken.None);
        ledger.ExportTiles(mirror.Path, CancellationToken.None);

        // Entry 260 is the 5th of bundle 1; flip one byte of its reason.
        string bundlePath = Path.Combine(mirror.Path, TilePaths.EntryBundle(1, 74));
        byte[] bundle = File.ReadAllBytes(bundlePath);
        int offset = 0;
        for (int i = 0; i < 4; i++)
        {
            offset += 2 + ((bundle[offset] << 8) | bundle[offset + 1]);
        }

        bundle[offset + 10] ^= 1;
        File.WriteAllBytes(bundlePath, bundle);

        LedgerVerification result = new TileMirror(mirror.Path).VerifyGrowth(old, NoteVerifier.Parse(ledger.VerifierKey), CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Equal(260, result.FirstBadIndex);
    }

    [Fact]
    public async Task Mirror_RejectsARewrittenHistory()
    {
        // The old checkpoint came from a log whose entry 1 differed: the new tiles cannot prove they extend it.
        using var dirA = new TempDirectory();
        using var mirror = new TempDirectory();
        using NoteSigner signer = NoteSigner.Create("fork.test/ledger");
        string forkedCheckpoint;
        await using (LedgerLog a = LedgerLog.OpenSqlite(Path.Combine(dirA.Path, "a.db"), signer))
        {
            await a.AppendBatchAsync([Events.Sample(0), Events.Sample(1) with { Reason = "other" }], CancellationToken.None);
            forkedCheckpoint = a.Checkpoint().Note;
        }

        await using LedgerLog b = LedgerLog.OpenSqlite(Path.Combine(dirA.Path, "b.db"), signer);
        await b.AppendBatchAsync(Enumerable.Range(0, 40).Select(Events.Sample).ToList(), CancellationToken.None);
        b.ExportTiles(mirror.Path, CancellationToken.None);

        LedgerVerification result = new TileMirror(mirror.Path).VerifyGrowth(forkedCheckpoint, signer.Verifier(), CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Message.Contains("does not extend", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mirror_RejectsACheckpointSignedByAnotherKey()
    {
        using var dir = new TempDirectory();
        using var mirror = new TempDirectory();
        await using LedgerLog ledger = LedgerLog.OpenDataDirectory(dir.Path, "tiles.test/ledger");
        await ledger.AppendAsync(Events.Sample(1), CancellationToken.None);
        ledger.ExportTiles(mirror.Path, CancellationToken.None);
        using NoteSigner other = NoteSigner.Create("tiles.test/ledger");
        string impostor = other.Sign(new Checkpoint("tiles.test/ledger", 1, ledger.Checkpoint().Checkpoint.Root).ToText());

        LedgerVerification result = new TileMirror(mirror.Path).VerifyGrowth(impostor, NoteVerifier.Parse(ledger.VerifierKey), CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Message.StartsWith("The older checkpoint", StringComparison.Ordinal));
    }

    [Fact]
    public void Checkpoint_ParseNamesTheBadLine()
    {
        Assert.Contains("line 2", Assert.Throws<FormatException>(() => Checkpoint.Parse("o\nx\nAAAA\n")).Message, StringComparison.Ordinal);
        Assert.Contains("line 3", Assert.Throws<FormatException>(() => Checkpoint.Parse("o\n1\n!!\n")).Message, StringComparison.Ordinal);
        Assert.Contains("line 3", Assert.Throws<FormatException>(() => Checkpoint.Parse("o\n1\nAAAA\n")).Message, StringComparison.Ordinal);
        Checkpoint ok = Checkpoint.Parse("o\n1\n" + Convert.ToBase64String(SHA256.HashData([])) + "\nextension\n");
        Assert.Equal(1, ok.Size);
    }
}
