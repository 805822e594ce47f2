using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using Vigil.Banks;
using Vigil.Banks.Exchanges;
using Vigil.Hashing;
using Vigil.Hashing.Pdq;
using Vigil.Ledger;
using Vigil.Matching;
using Vigil.Storage;

namespace Vigil.Demo;

/// <summary>
/// `vigil demo`: the matching story on generated data. Every step states what must happen and checks
/// it; the demo succeeds only when every check passed.
/// </summary>
public sealed class DemoStory(VigilStore store, TimeProvider time, TextWriter output)
{
    public const string GifctBank = DemoBanks.GifctBank;
    public const string NegativeBank = DemoBanks.NegativeBank;
    public const string TextBank = DemoBanks.TextBank;
    private const int Posters = DemoBanks.Posters;

    private readonly List<(string Step, string Check, bool Passed, string Detail)> checks = [];
    private readonly PdqWorkspace workspace = new();
    private readonly List<LedgerEvent> actions = [];

    public IReadOnlyList<(string Step, string Check, bool Passed, string Detail)> Checks => checks;

    public bool Succeeded => checks.Count > 0 && checks.All(c => c.Passed);

    public async Task<bool> RunAsync(CancellationToken ct)
    {
        var dir = Path.Combine(store.DataDirectory.FullName, "demo");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        Directory.CreateDirectory(dir);
        await using var db = await store.OpenAsync(ct);

        await Heading("1. Hash banks");
        var seed = await DemoBanks.SeedAsync(db, dir, workspace, time, ct);
        var originals = seed.Posters;
        var labels = seed.Labels;
        var bankRecords = seed.BankRecords;
        foreach (var bank in new[] { GifctBank, NegativeBank, TextBank })
        {
            Log("tns-lead@demo", "trust_and_safety_lead", "bank.create", "bank", bank, "demo: set up the hash lists");
        }
        Log("tns-lead@demo", "trust_and_safety_lead", "bank.import", "bank", GifctBank, $"imported {bankRecords.Count} signals from the GIFCT-style list");
        var counts = await db.BankEntries.CountAsync(e => e.Bank!.Name.StartsWith("demo-"), ct);
        Check("banks", "the generated lists are in three banks", counts == (Posters * 3) + 1 + 2, $"{counts} entries");
        await output.WriteLineAsync($"   {Posters} generated propaganda posters hashed into '{GifctBank}' (PDQ, MD5, SHA-256), one news photo in '{NegativeBank}', one manifesto in '{TextBank}'");

        var matcher = await BankMatcher.LoadAsync(db, new FloodGuardOptions(Window: 200, MinLookups: 100, MaxShare: 0.1), ct);
        var entryOf = await db.BankEntries.Where(e => e.Bank!.Name == GifctBank && e.SignalType == SignalType.Pdq)
            .ToDictionaryAsync(e => e.SourceRef!, e => e.Id, ct);

        await Heading("2. Altered re-posts of known propaganda");
        (string Name, Func<SKBitmap, SKBitmap> Alter, string ExpectedVia)[] alterations =
        [
            ("cropped 1.5% each side", b => DemoImages.Crop(b, 0.015), "pdq"),
            ("rescaled to 40%", b => DemoImages.Rescale(b, 0.4), "pdq"),
            ("recompressed at JPEG quality 20", b => b.Copy(), "pdq"),
            ("colour-shifted", DemoImages.ColourShift, "pdq"),
            ("text overlay", DemoImages.TextOverlay, "pdq"),
            ("rotated 90 degrees", DemoImages.Rotate90, "pdq rotate"),
            ("mirrored", DemoImages.Mirror, "pdq flip"),
        ];
        for (var i = 0; i < alterations.Length * 2; i++)
        {
            var (name, alter, expectedVia) = alterations[i % alterations.Length];
            var poster = i % (Posters - 1);
            using var original = DemoImages.Decode(await File.ReadAllBytesAsync(originals[poster], ct));
            using var altered = alter(original);
            var path = Path.Combine(dir, $"repost-{i:00}.jpg");
            await File.WriteAllBytesAsync(path, DemoImages.Jpeg(altered, name.Contains("quality 20", StringComparison.Ordinal) ? 20 : 85), ct);
            var outcome = matcher.Match(MatchProbe.FromFile(path, workspace));
            var expectedEntry = entryOf[Path.GetFileName(originals[poster])];
            var hit = outcome.Hits.FirstOrDefault(h => h.Entry.Id == expectedEntry);
            var ok = outcome.Matched && hit is not null && hit.Via.StartsWith(expectedVia, StringComparison.Ordinal);
            var distance = workspace.HashFile(originals[poster]).Hash.DistanceTo(workspace.HashFile(path).Hash);
            if (outcome.Matched)
            {
                // The ledger keeps the upload's SHA-256, never the upload.
                Log("matcher", "system", "content.match", "upload", Path.GetFileName(path), $"matched bank entry {expectedEntry} ({name})",
                    LedgerEvent.HashPayload(await File.ReadAllBytesAsync(path, ct)));
            }
            Check("re-posts", $"propaganda-{poster:00} {name} matches its bank entry", ok,
                hit is null ? string.Create(CultureInfo.InvariantCulture, $"no match (distance {distance})") : string.Create(CultureInfo.InvariantCulture, $"via {hit.Via}, distance {hit.Distance}"));
        }

        await Heading("3. Unrelated images");
        var falseMatches = 0;
        var nearest = int.MaxValue;
        for (var i = 0; i < 20; i++)
        {
            using var photo = DemoImages.Poster(seed: 90_000 + i);
            var path = Path.Combine(dir, $"unrelated-{i:00}.jpg");
            await File.WriteAllBytesAsync(path, DemoImages.Jpeg(photo), ct);
            var outcome = matcher.Match(MatchProbe.FromFile(path, workspace));
            falseMatches += outcome.Hits.Count;
            var probe = workspace.HashFile(path).Hash;
            nearest = Math.Min(nearest, bankRecords.Where(r => r.Type == SignalType.Pdq).Min(r => Hash256.Parse(r.Signal).DistanceTo(probe)));
        }
        Check("unrelated", "20 unrelated images match nothing", falseMatches == 0,
            string.Create(CultureInfo.InvariantCulture, $"{falseMatches} matches; nearest bank hash at distance {nearest} (threshold 31)"));

        await Heading("4. A known false positive");
        using (var news = DemoImages.Decode(await File.ReadAllBytesAsync(originals[^1], ct)))
        {
            var path = Path.Combine(dir, "news-photo-repost.jpg");
            await File.WriteAllBytesAsync(path, DemoImages.Jpeg(news, 60), ct);
            var outcome = matcher.Match(MatchProbe.FromFile(path, workspace));
            Check("negative bank", "a news photo in the negative bank vetoes its positive match", !outcome.Matched && outcome.Hits.Any(h => h.Vetoed),
                outcome.Hits.FirstOrDefault(h => h.Vetoed)?.VetoedBy ?? "not vetoed");
        }

        await Heading("5. Identical re-upload");
        {
            var copy = Path.Combine(dir, "identical-copy.jpg");
            File.Copy(originals[0], copy);
            var outcome = matcher.Match(MatchProbe.FromFile(copy, workspace));
            Check("exact", "a byte-identical copy matches by MD5 and SHA-256 too", outcome.Hits.Any(h => h.Via == "md5") && outcome.Hits.Any(h => h.Via == "sha256"),
                string.Join(", ", outcome.Hits.Select(h => h.Via).Distinct()));
        }

        await Heading("6. Manifesto text");
        {
            var repost = matcher.Match(MatchProbe.FromText("obfuscated re-post", DemoTexts.ObfuscatedRepost));
            var near = repost.Hits.FirstOrDefault(h => h.Via == "text near-duplicate");
            Check("text", "an obfuscated, reordered re-post of the manifesto is a near-duplicate", repost.Matched && near is not null,
                near is null ? "no match" : string.Create(CultureInfo.InvariantCulture, $"similarity {near.Similarity:0.00}"));
            var disguised = matcher.Match(MatchProbe.FromText("disguised copy", DisguiseOnly(DemoTexts.Manifesto)));
            Check("text", "the manifesto in homoglyphs, leetspeak and capitals has the same normalised hash", disguised.Hits.Any(h => h.Via == "text_exact"),
                string.Join(", ", disguised.Hits.Select(h => h.Via).Distinct()));
            var unrelated = matcher.Match(MatchProbe.FromText("unrelated", DemoTexts.Unrelated));
            Check("text", "an unrelated text matches nothing", unrelated.Hits.Count == 0, $"{unrelated.Hits.Count} matches");
        }

        await Heading("7. Flood protection");
        {
            // A mistaken entry: the MD5 of an empty file. Broken uploads are empty, so it starts matching everything.
            var empty = Path.Combine(dir, "empty-upload.bin");
            await File.WriteAllBytesAsync(empty, [], ct);
            var emptyMd5 = Hashing.Files.FileDigests.Compute(empty).Md5Hex;
            await BankOperations.ImportAsync(db, GifctBank, "mistake", "manual", new ExchangeBatch(ExchangeFormat.Signals,
                [new(1, SignalType.Md5, emptyMd5, labels with { Source = "bad import" })]), time, ct);
            matcher.Dispose();
            matcher = await BankMatcher.LoadAsync(db, new FloodGuardOptions(Window: 200, MinLookups: 100, MaxShare: 0.1), ct);
            var rng = new Random(5);
            var quarantined = new List<Quarantine>();
            var lookups = 0;
            for (; lookups < 300 && quarantined.Count == 0; lookups++)
            {
                var probe = lookups % 4 == 0
                    ? MatchProbe.FromFile(empty, workspace)
                    : new MatchProbe("upload") { Md5 = Convert.ToHexStringLower(RandomBytes(rng, 16)), Pdq = [("original", Hash256.FromBytes(RandomBytes(rng, 32)))] };
                quarantined.AddRange(matcher.Match(probe).Quarantined);
            }
            await BankMatcher.PersistQuarantinesAsync(db, quarantined, time, ct);
            foreach (var q in quarantined)
            {
                Log("matcher", "system", "bank.entry.quarantine", "bank_entry", q.Entry.Id.ToString(CultureInfo.InvariantCulture), "flood protection: " + q.Reason);
            }
            var stored = await db.BankEntries.SingleAsync(e => e.Signal == emptyMd5 && e.Bank!.Name == GifctBank, ct);
            Check("flood", "an entry matching a quarter of all uploads is quarantined and stays quarantined", quarantined.Count == 1 && stored.QuarantinedAt is not null,
                quarantined.Count == 1 ? $"after {lookups} lookups: {quarantined[0].Reason}" : "not quarantined");
        }

        matcher.Dispose();
        await Heading("8. The ledger");
        {
            // Everything privileged the demo did is now written to the verifiable log.
            await using var ledger = LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
            var verified = await LedgerDemo.RunAsync(ledger, actions, new IndentedWriter(output), ct);
            Check("ledger", $"the demo's {actions.Count} actions are logged and an inclusion proof verifies against the signed checkpoint", verified,
                string.Create(CultureInfo.InvariantCulture, $"tree size {ledger.Checkpoint().Checkpoint.Size}"));
        }

        await Summary();
        return Succeeded;
    }

    private void Log(string actor, string role, string action, string subjectType, string subjectId, string reason, byte[]? payloadSha256 = null) =>
        actions.Add(new LedgerEvent(actor, role, action, new LedgerSubject(subjectType, subjectId), reason, payloadSha256));

    /// <summary>Indents what the ledger part prints, to sit under its heading.</summary>
    private sealed class IndentedWriter(TextWriter inner) : TextWriter
    {
        private bool lineStart = true;

        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            if (lineStart && value != '\n')
            {
                inner.Write("   ");
            }
            inner.Write(value);
            lineStart = value == '\n';
        }
    }

    private static string DisguiseOnly(string text) =>
        text.ToUpperInvariant().Replace('O', '\u041E').Replace('E', '3').Replace("A", "\u0410", StringComparison.Ordinal).Replace(" ", "  \u200B", StringComparison.Ordinal);

    private static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    private void Check(string step, string check, bool passed, string detail)
    {
        checks.Add((step, check, passed, detail));
        output.WriteLine($"   [{(passed ? "ok" : "FAILED")}] {check}: {detail}");
    }

    private Task Heading(string title) => output.WriteLineAsync(Environment.NewLine + title);

    private async Task Summary()
    {
        var failed = checks.Where(c => !c.Passed).ToList();
        await output.WriteLineAsync();
        await output.WriteLineAsync(failed.Count == 0
            ? $"demo: all {checks.Count} checks passed"
            : $"demo: {failed.Count} of {checks.Count} checks FAILED: {string.Join("; ", failed.Select(f => f.Check))}");
    }
}
