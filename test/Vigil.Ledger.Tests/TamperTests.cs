using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Vigil.Ledger.Tests;

/// <summary>Rows changed directly in the database: verify fails and names the right index each time.</summary>
public class TamperTests
{
    private const int Size = 600;

    private static async Task<LedgerLog> Filled(TempDirectory dir, int size = Size)
    {
        LedgerLog ledger = LedgerLog.OpenDataDirectory(dir.Path, "tamper.test/ledger", new LedgerOptions { TimeProvider = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) });
        await ledger.AppendBatchAsync(Enumerable.Range(0, size / 2).Select(Events.Sample).ToList(), CancellationToken.None);
        ledger.Checkpoint();
        await ledger.AppendBatchAsync(Enumerable.Range(size / 2, size - (size / 2)).Select(Events.Sample).ToList(), CancellationToken.None);
        ledger.Checkpoint();
        Assert.True(ledger.Verify(CancellationToken.None).IsValid);
        return ledger;
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData(0)]
    [InlineData(123)]
    [InlineData(256)]
    [InlineData(Size - 1)]
    public async Task ChangedEntry_IsNamed(long index)
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = await Filled(dir);
        byte[] entry = ledger.ReadEntry(index).CanonicalJson;
        byte[] changed = Json(Encoding.UTF8.GetString(entry).Replace("analyst", "anaIyst", StringComparison.Ordinal));
        Assert.Equal(1, ledger.ExecuteRawSql("UPDATE ledger_entries SET entry = @e WHERE idx = @i", ("@e", changed), ("@i", index)));

        LedgerVerification result = ledger.Verify(CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Equal(index, result.FirstBadIndex);
        Assert.Contains(result.Problems, p => p.Message.Contains($"Entry {index} was changed", StringComparison.Ordinal));
        // Tiles above the changed entry differ only as a consequence and are not reported again.
        Assert.DoesNotContain(result.Problems, p => p.Message.StartsWith("Stored tile", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(77)]
    [InlineData(Size - 1)]
    public async Task DeletedEntry_IsNamed(long index)
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = await Filled(dir);
        Assert.Equal(1, ledger.ExecuteRawSql("DELETE FROM ledger_entries WHERE idx = @i", ("@i", index)));

        LedgerVerification result = ledger.Verify(CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Equal(index, result.FirstBadIndex);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(300)]
    public async Task EntryInsertedInTheMiddle_IsNamed(long index)
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = await Filled(dir);
        byte[] forged = ledger.ReadEntry(index).CanonicalJson;
        ledger.ExecuteRawSql("UPDATE ledger_entries SET idx = -(idx + 1) WHERE idx >= @i", ("@i", index));
        ledger.ExecuteRawSql("UPDATE ledger_entries SET idx = -idx WHERE idx < 0");
        ledger.ExecuteRawSql("INSERT INTO ledger_entries (idx, entry) VALUES (@i, @e)", ("@i", index), ("@e", Json(Encoding.UTF8.GetString(forged).Replace("triage", "trlage", StringComparison.Ordinal))));

        LedgerVerification result = ledger.Verify(CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Equal(index, result.FirstBadIndex);
    }

    [Fact]
    public async Task EntryAppendedBehindTheLedgersBack_IsNamed()
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = await Filled(dir);
        ledger.ExecuteRawSql("INSERT INTO ledger_entries (idx, entry) VALUES (@i, @e)", ("@i", (long)Size), ("@e", ledger.ReadEntry(3).CanonicalJson));

        LedgerVerification result = ledger.Verify(CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Equal(Size, result.FirstBadIndex);
        Assert.Contains(result.Problems, p => p.Message.Contains("inserted", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(10, 20)]
    [InlineData(255, 256)]
    [InlineData(3, Size - 1)]
    public async Task SwappedEntries_AreNamed(long a, long b)
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = await Filled(dir);
        byte[] ea = ledger.ReadEntry(a).CanonicalJson;
        byte[] eb = ledger.ReadEntry(b).CanonicalJson;
        ledger.ExecuteRawSql("UPDATE ledger_entries SET entry = @e WHERE idx = @i", ("@e", eb), ("@i", a));
        ledger.ExecuteRawSql("UPDATE ledger_entries SET entry = @e WHERE idx = @i", ("@e", ea), ("@i", b));

        LedgerVerification result = ledger.Verify(CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Equal(a, result.FirstBadIndex);
        Assert.Contains(result.Problems, p => p.Index == b);
    }

    [Fact]
    public async Task RewrittenTree_IsCaughtByTheSignedCheckpoints()
    {
        // The attacker changes entry 5 and replaces the whole stored tree with one recomputed to match it:
        // entry and tile checks pass, but the checkpoints signed earlier no longer match.
        using var dir = new TempDirectory();
        using var forgedDir = new TempDirectory();
        await using LedgerLog ledger = await Filled(dir);
        byte[] forgedEntry = Json(Encoding.UTF8.GetString(ledger.ReadEntry(5).CanonicalJson).Replace("triage", "trlage", StringComparison.Ordinal));
        await using (LedgerLog forged = await Filled(forgedDir))
        {
            forged.ExecuteRawSql("UPDATE ledger_entries SET entry = @e WHERE idx = 5", ("@e", forgedEntry));
        }

        // Rebuild the forged tiles by replaying the forged entries into a third ledger.
        using var replayDir = new TempDirectory();
        await using (LedgerLog replay = LedgerLog.OpenDataDirectory(replayDir.Path, "tamper.test/ledger"))
        {
            var events = Enumerable.Range(0, Size).Select(Events.Sample).ToList();
            events[5] = events[5] with { Reason = events[5].Reason.Replace("triage", "trlage", StringComparison.Ordinal) };
            await replay.AppendBatchAsync(events, CancellationToken.None);
        }

        string replayDb = Path.Combine(replayDir.Path, LedgerLog.DatabaseFileName).Replace("'", "''", StringComparison.Ordinal);
        ledger.ExecuteRawSql($"ATTACH DATABASE '{replayDb}' AS forged");
        ledger.ExecuteRawSql("DELETE FROM ledger_tiles");
        ledger.ExecuteRawSql("DELETE FROM ledger_entries");
        ledger.ExecuteRawSql("INSERT INTO ledger_tiles SELECT * FROM forged.ledger_tiles");
        ledger.ExecuteRawSql("INSERT INTO ledger_entries SELECT * FROM forged.ledger_entries");
        ledger.ExecuteRawSql("DETACH DATABASE forged");

        LedgerVerification result = ledger.Verify(CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.All(result.Problems, p => Assert.Contains("checkpoint signed at size", p.Message, StringComparison.Ordinal));
        Assert.Equal(2, result.Problems.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task CorruptedTileInterior_IsReported(int level)
    {
        // Interiors feed proofs directly, so a corrupted one must not pass verification.
        using var dir = new TempDirectory();
        await using LedgerLog ledger = await Filled(dir);
        Assert.Equal(1, ledger.ExecuteRawSql("UPDATE ledger_tiles SET interior = @z WHERE level = @l AND idx = 0", ("@z", new byte[254 * 32]), ("@l", level)));
        LedgerVerification result = ledger.Verify(CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Message.Contains($"Stored tile {level}/0 does not match", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ForgedCheckpointNote_IsReported()
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = await Filled(dir);
        ledger.ExecuteRawSql("UPDATE ledger_checkpoints SET note = replace(note, @a, @b) WHERE size = @s", ("@a", "\n300\n"), ("@b", "\n301\n"), ("@s", 300L));
        LedgerVerification result = ledger.Verify(CancellationToken.None);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Message.Contains("size 300 is not valid", StringComparison.Ordinal));
    }
}
