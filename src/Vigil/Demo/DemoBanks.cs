using Microsoft.EntityFrameworkCore;
using Vigil.Banks;
using Vigil.Banks.Exchanges;
using Vigil.Cli;
using Vigil.Hashing.Pdq;
using Vigil.Storage;

namespace Vigil.Demo;

/// <summary>What <see cref="DemoBanks.SeedAsync"/> created: the poster files and the records imported from them.</summary>
/// <param name="Posters">The generated propaganda posters, in order (the last is also the known news photo).</param>
/// <param name="BankRecords">The PDQ, MD5 and SHA-256 records of every poster in <see cref="DemoBanks.GifctBank"/>.</param>
/// <param name="Labels">The labels the records carry.</param>
public sealed record DemoBankSeed(IReadOnlyList<string> Posters, IReadOnlyList<ExchangeRecord> BankRecords, ExchangeLabels Labels);

/// <summary>
/// The demo's three banks: generated propaganda posters (a GIFCT-style list), one known false positive, and the
/// manifesto. Shared by <c>vigil demo</c>'s story and by <c>vigil bench ingest</c>, so load is measured against
/// the banks the demo matches.
/// </summary>
public static class DemoBanks
{
    public const string GifctBank = "demo-gifct";
    public const string NegativeBank = "demo-false-positives";
    public const string TextBank = "demo-manifestos";
    public const int Posters = 10;

    /// <summary>The seed of poster <paramref name="i"/>; the traffic generator re-posts the same images.</summary>
    public static int PosterSeed(int i) => 7_000 + i;

    /// <summary>Replaces the three demo banks, writing the posters to <paramref name="dir"/>.</summary>
    public static async Task<DemoBankSeed> SeedAsync(VigilDb db, string dir, PdqWorkspace workspace, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await ResetAsync(db, ct);
        Directory.CreateDirectory(dir);
        await BankOperations.CreateAsync(db, GifctBank, BankKind.Positive, "Generated stand-in for a GIFCT hash list", null, time, ct);
        await BankOperations.CreateAsync(db, NegativeBank, BankKind.Negative, "Known false positives (news photos)", null, time, ct);
        await BankOperations.CreateAsync(db, TextBank, BankKind.Positive, "Known manifestos and threat templates", null, time, ct);
        var originals = new List<string>();
        for (var i = 0; i < Posters; i++)
        {
            using var poster = DemoImages.Poster(seed: PosterSeed(i));
            var path = Path.Combine(dir, $"propaganda-{i:00}.jpg");
            await File.WriteAllBytesAsync(path, DemoImages.Jpeg(poster), ct);
            originals.Add(path);
        }
        var labels = new ExchangeLabels { Entity = "Example Front", Ideology = "violent-extremist", ContentType = "image", Severity = 5, Source = "gifct-demo" };
        var bankRecords = originals.SelectMany((p, i) => HashRecords(p, workspace, labels, i + 1)).ToList();
        await BankOperations.ImportAsync(db, GifctBank, "generated", "gifct-demo", new ExchangeBatch(ExchangeFormat.Gifct, bankRecords), time, ct);
        // The last poster is also a widely published news photo: a known false positive.
        await BankOperations.ImportAsync(db, NegativeBank, "generated", "review", new ExchangeBatch(ExchangeFormat.Signals,
            HashRecords(originals[^1], workspace, labels with { Entity = null, Ideology = null, Source = "moderator review" }, 1).Where(r => r.Type == SignalType.Pdq).ToList()), time, ct);
        await BankOperations.ImportAsync(db, TextBank, "generated", "manual", new ExchangeBatch(ExchangeFormat.Signals,
        [
            new(1, SignalType.TextExact, Hashing.Text.TextHasher.ExactHash(DemoTexts.Manifesto), labels with { ContentType = "text" }),
            new(2, SignalType.TextMinHash, Hashing.Text.TextHasher.MinHash(DemoTexts.Manifesto).ToString(), labels with { ContentType = "text" }),
        ]), time, ct);
        return new DemoBankSeed(originals, bankRecords, labels);
    }

    private static List<ExchangeRecord> HashRecords(string path, PdqWorkspace workspace, ExchangeLabels labels, int line)
    {
        var h = HashCommand.Hash(path, workspace, dihedral: false, asText: false);
        return
        [
            new(line, SignalType.Pdq, h.Pdq!, labels, SourceRef: Path.GetFileName(path)),
            new(line, SignalType.Md5, h.Md5!, labels, SourceRef: Path.GetFileName(path)),
            new(line, SignalType.Sha256, h.Sha256!, labels, SourceRef: Path.GetFileName(path)),
        ];
    }

    private static async Task ResetAsync(VigilDb db, CancellationToken ct)
    {
        var old = await db.Banks.Where(b => b.Name == GifctBank || b.Name == NegativeBank || b.Name == TextBank).ToListAsync(ct);
        db.Banks.RemoveRange(old);
        var ids = old.Select(b => b.Id).ToList();
        var checkpoints = await db.ImportCheckpoints.Where(c => ids.Contains(c.BankId)).ToListAsync(ct);
        db.ImportCheckpoints.RemoveRange(checkpoints);
        await db.SaveChangesAsync(ct);
    }
}
