using System.Text;
using Microsoft.Extensions.Time.Testing;
using Vigil.Ledger.Merkle;
using Vigil.Ledger.Notes;

namespace Vigil.Ledger.Tests;

public class LedgerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static LedgerLog Open(TempDirectory dir, FakeTimeProvider? time = null, int maxBatch = 10_000) =>
        LedgerLog.OpenDataDirectory(dir.Path, "test.vigil/ledger", new LedgerOptions { TimeProvider = time ?? new FakeTimeProvider(Start), MaxBatchSize = maxBatch });

    [Fact]
    public async Task Append_ReturnsConsecutiveIndices_AndStoresCanonicalJson()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        await using LedgerLog ledger = Open(dir, time);
        Assert.Equal(0, await ledger.AppendAsync(Events.Sample(0), CancellationToken.None));
        time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(1, await ledger.AppendAsync(Events.Sample(1), CancellationToken.None));

        LedgerEntry first = ledger.ReadEntry(0);
        string json = Encoding.UTF8.GetString(first.CanonicalJson);
        Assert.Equal(
            "{\"action\":\"content.view\",\"actor\":\"analyst-0\",\"payloadSha256\":\"" + Convert.ToHexStringLower(LedgerEvent.HashPayload(BitConverter.GetBytes(0)))
            + "\",\"reason\":\"triage of report 0\",\"role\":\"analyst\",\"subject\":{\"id\":\"case-0\",\"type\":\"case\"},\"time\":\"2026-11-27T09:00:00.000Z\",\"v\":1}",
            json);
        LedgerEntry second = ledger.ReadEntry(1);
        Assert.Equal(Start.AddMilliseconds(1500), second.Time);
        Assert.Equal(Events.Sample(1), second.Event);
        Assert.DoesNotContain("payloadSha256", Encoding.UTF8.GetString(second.CanonicalJson), StringComparison.Ordinal);
    }

    [Fact]
    public void CanonicalJson_EscapesOnlyWhatJcsRequires()
    {
        var e = new LedgerEvent("a\"b\\c", "r\u0001", "x/y<z>", new LedgerSubject("t\n", "é😀"), "tab\there");
        string json = Encoding.UTF8.GetString(CanonicalJson.Serialize(e, Start));
        Assert.Equal(
            "{\"action\":\"x/y<z>\",\"actor\":\"a\\\"b\\\\c\",\"reason\":\"tab\\there\",\"role\":\"r\\u0001\",\"subject\":{\"id\":\"é😀\",\"type\":\"t\\n\"},\"time\":\"2026-11-27T09:00:00.000Z\",\"v\":1}",
            json);
    }

    [Theory]
    [InlineData("", "role", "action", "type", "id", "reason", "actor")]
    [InlineData("actor", "", "action", "type", "id", "reason", "role")]
    [InlineData("actor", "role", "", "type", "id", "reason", "action")]
    [InlineData("actor", "role", "action", "", "id", "reason", "subject.type")]
    [InlineData("actor", "role", "action", "type", "", "reason", "subject.id")]
    [InlineData("actor", "role", "action", "type", "id", "", "reason")]
    public async Task Append_RejectsInvalidEvents_NamingTheField(string actor, string role, string action, string type, string id, string reason, string field)
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = Open(dir);
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ledger.AppendAsync(new LedgerEvent(actor, role, action, new LedgerSubject(type, id), reason), CancellationToken.None));
        Assert.Equal(field, ex.ParamName);
        Assert.Equal(0, ledger.Size());
    }

    [Fact]
    public async Task Append_RejectsUnpairedSurrogates()
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = Open(dir);
        string id = "id" + (char)0xD800;
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ledger.AppendAsync(Events.Sample(1) with { Subject = new LedgerSubject("case", id) }, CancellationToken.None));
        Assert.Equal("subject.id", ex.ParamName);
    }

    [Fact]
    public async Task Append_RejectsAPayloadHashThatIsNotSha256()
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = Open(dir);
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => ledger.AppendAsync(Events.Sample(1) with { PayloadSha256 = new byte[20] }, CancellationToken.None));
        Assert.Equal("payloadSha256", ex.ParamName);
    }

    [Fact]
    public async Task ConcurrentAppends_AreGroupCommitted_AndAllIndicesAreDistinct()
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = Open(dir, maxBatch: 64);
        long[] indices = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => ledger.AppendAsync(Events.Sample(i), CancellationToken.None))));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), indices.Order());
        Assert.Equal(500, ledger.Size());
        Assert.True(ledger.Verify(CancellationToken.None).IsValid);
        for (int i = 0; i < 500; i += 37)
        {
            // Each caller got back the index of its own event.
            int who = Array.IndexOf(indices, (long)i);
            Assert.Equal(Events.Sample(who), ledger.ReadEntry(i).Event);
        }
    }

    [Fact]
    public async Task Restart_ContinuesTheSameTree_FromStoredState()
    {
        using var dir = new TempDirectory();
        byte[] rootBefore;
        await using (LedgerLog ledger = Open(dir))
        {
            await ledger.AppendBatchAsync(Enumerable.Range(0, 700).Select(Events.Sample).ToList(), CancellationToken.None);
            rootBefore = ledger.Checkpoint().Checkpoint.Root;
        }

        await using (LedgerLog ledger = Open(dir))
        {
            Assert.Equal(700, ledger.Size());
            Assert.Equal(rootBefore, ledger.Checkpoint().Checkpoint.Root);
            Assert.Equal(700, await ledger.AppendAsync(Events.Sample(700), CancellationToken.None));
            Assert.Equal(701, await ledger.AppendBatchAsync(Enumerable.Range(701, 100).Select(Events.Sample).ToList(), CancellationToken.None));
            LedgerVerification result = ledger.Verify(CancellationToken.None);
            Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
            Assert.Equal(1, result.CheckpointsChecked);

            // The root equals the one computed from scratch over the stored entries.
            var range = new CompactRange();
            for (int i = 0; i < 801; i++)
            {
                range.Append(Rfc6962.HashLeaf(ledger.ReadEntry(i).CanonicalJson));
            }

            Assert.Equal(range.Root(), ledger.Checkpoint().Checkpoint.Root);
        }
    }

    [Fact]
    public async Task LargeBatch_EncodedOnAllCores_IsTheSameLogAsOneByOne()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
        await using LedgerLog ledger = Open(dir, time);
        List<LedgerEvent> events = Enumerable.Range(0, 5000).Select(Events.Sample).ToList();
        Assert.Equal(0, await ledger.AppendBatchAsync(events, CancellationToken.None));

        var range = new CompactRange();
        DateTimeOffset previous = DateTimeOffset.MinValue;
        for (int i = 0; i < events.Count; i++)
        {
            LedgerEntry entry = ledger.ReadEntry(i);
            Assert.Equal(events[i], entry.Event);
            Assert.True(entry.Time > previous, $"entry {i} is not later than entry {i - 1}");
            previous = entry.Time;
            Assert.Equal(CanonicalJson.Serialize(events[i], entry.Time), entry.CanonicalJson);
            range.Append(Rfc6962.HashLeaf(entry.CanonicalJson));
        }

        Assert.Equal(range.Root(), ledger.Checkpoint().Checkpoint.Root);
        Assert.True(ledger.Verify(CancellationToken.None).IsValid);
    }

    [Fact]
    public async Task Checkpoint_IsASignedNote_ThatVerifiesWithThePrintedKey()
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = Open(dir);
        await ledger.AppendBatchAsync(Enumerable.Range(0, 10).Select(Events.Sample).ToList(), CancellationToken.None);
        SignedCheckpoint checkpoint = ledger.Checkpoint();
        string[] lines = checkpoint.Note.Split('\n');
        Assert.Equal("test.vigil/ledger", lines[0]);
        Assert.Equal("10", lines[1]);
        Assert.Equal("", lines[3]);
        Assert.StartsWith("\u2014 test.vigil/ledger ", lines[4], StringComparison.Ordinal);

        NoteVerifier verifier = NoteVerifier.Parse(ledger.VerifierKey);
        Assert.True(verifier.TryVerify(checkpoint.Note, out string text, out _));
        Assert.Equal(checkpoint.Checkpoint.ToText(), text);
        string forged = checkpoint.Note.Replace("\n10\n", "\n11\n", StringComparison.Ordinal);
        Assert.False(verifier.TryVerify(forged, out _, out string? error));
        Assert.Contains("does not verify", error, StringComparison.Ordinal);

        // Asking again without growth serves the same note.
        Assert.Equal(checkpoint.Note, ledger.Checkpoint().Note);
    }

    [Fact]
    public async Task Proofs_VerifyAgainstTheCheckpoints()
    {
        using var dir = new TempDirectory();
        await using LedgerLog ledger = Open(dir);
        await ledger.AppendBatchAsync(Enumerable.Range(0, 300).Select(Events.Sample).ToList(), CancellationToken.None);
        SignedCheckpoint old = ledger.Checkpoint();
        await ledger.AppendBatchAsync(Enumerable.Range(300, 333).Select(Events.Sample).ToList(), CancellationToken.None);
        SignedCheckpoint now = ledger.Checkpoint();

        foreach (long index in new long[] { 0, 1, 255, 256, 299, 512, 632 })
        {
            InclusionProof proof = ledger.ProveInclusion(index);
            Assert.Equal(now.Checkpoint.Root, proof.Root);
            Assert.Equal(Rfc6962.HashLeaf(ledger.ReadEntry(index).CanonicalJson), proof.LeafHash);
            Assert.True(MerkleVerifier.VerifyInclusion((ulong)index, 633, proof.LeafHash, proof.Hashes, now.Checkpoint.Root).IsValid);
        }

        ConsistencyProof consistency = ledger.ProveConsistency(300);
        Assert.Equal(old.Checkpoint.Root, consistency.FromRoot);
        Assert.True(MerkleVerifier.VerifyConsistency(300, 633, consistency.Hashes, old.Checkpoint.Root, now.Checkpoint.Root).IsValid);
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.ProveInclusion(633));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.ProveConsistency(0));
    }

    [Fact]
    public void SignerKey_IsCreatedOnce_OwnerOnly_AndReloaded()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "key");
        string verifierKey;
        using (NoteSigner created = NoteSigner.LoadOrCreate(path, "a.example/log"))
        {
            verifierKey = created.VerifierKey;
        }

        using NoteSigner loaded = NoteSigner.LoadOrCreate(path, "ignored");
        Assert.Equal(verifierKey, loaded.VerifierKey);
        Assert.Equal("a.example/log", loaded.Name);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        // Key ID = first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key).
        byte[] id = System.Security.Cryptography.SHA256.HashData([.. Encoding.UTF8.GetBytes("a.example/log"), 0x0A, 0x01, .. loaded.PublicKey]);
        Assert.Equal(Convert.ToHexStringLower(id.AsSpan(0, 4)), verifierKey.Split('+')[1]);
    }

    [Theory]
    [InlineData("name+1234abcd")]
    [InlineData("name+zzzzzzzz+AQ==")]
    [InlineData("name+1234abcd+AQ==")]
    [InlineData("na me+1234abcd+AQ==")]
    public void VerifierKey_RejectsMalformedKeys(string key) => Assert.Throws<FormatException>(() => NoteVerifier.Parse(key));
}
