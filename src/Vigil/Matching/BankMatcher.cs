using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigil.Banks;
using Vigil.Hashing;
using Vigil.Hashing.Index;
using Vigil.Hashing.Text;
using Vigil.Semantic;
using Vigil.Storage;

namespace Vigil.Matching;

/// <summary>A bank entry as the matcher holds it in memory.</summary>
public sealed record LoadedEntry(
    long Id, string Bank, BankKind Kind, int PdqMaxDistance, int PdqMinQuality, double TextMinSimilarity,
    SignalType Type, string Signal, string? Entity, string? Ideology, string? ContentType, int? Severity, string? Source)
{
    /// <summary>Smallest cosine similarity that counts as a semantic (text_embedding) match for this entry's bank.</summary>
    public double EmbeddingMinSimilarity { get; init; } = SemanticModel.DefaultMinSimilarity;
}

/// <summary>One bank entry an input matched, how, and whether a negative bank vetoed it.</summary>
public sealed record MatchHit(LoadedEntry Entry, string Via, int? Distance, double? Similarity, string? VetoedBy)
{
    public bool Vetoed => VetoedBy is not null;
}

/// <summary>An entry flood protection took out of matching.</summary>
public sealed record Quarantine(LoadedEntry Entry, int Hits, int Lookups)
{
    public string Reason => string.Create(CultureInfo.InvariantCulture, $"matched {Hits} of the last {Lookups} lookups");
}

/// <summary>What one input matched.</summary>
public sealed record MatchOutcome(string Input, IReadOnlyList<MatchHit> Hits, IReadOnlyList<string> Notes, IReadOnlyList<Quarantine> Quarantined)
{
    /// <summary>True when a positive bank matched and no negative bank vetoed it.</summary>
    public bool Matched => Hits.Any(h => h.Entry.Kind == BankKind.Positive && !h.Vetoed);
}

/// <summary>
/// Matches inputs against every enabled bank: PDQ through the exact Hamming index (all eight
/// orientations), file and text hashes exactly, texts by MinHash near-duplicates and by meaning
/// (sentence embeddings, cosine similarity; the text is embedded only when some bank holds embeddings). Negative banks
/// veto; flood protection quarantines entries that match too much. Not thread-safe: one per worker.
/// </summary>
public sealed class BankMatcher : IDisposable
{
    private readonly Dictionary<long, LoadedEntry> entries;
    private readonly HammingIndex pdq;
    private readonly int pdqRadius;
    private readonly Dictionary<(SignalType, string), List<LoadedEntry>> exact;
    private readonly NearDuplicateIndex text;
    private readonly double textThreshold;
    private readonly SemanticIndex semantic;
    private readonly double semanticThreshold;
    private readonly Func<SentenceEmbedder> embedder;
    private readonly FloodGuard flood;
    private readonly List<HammingMatch> scratch = [];

    /// <summary>Most semantic neighbours considered per text: bounds the work when a text resembles many entries.</summary>
    internal const int MaxSemanticHits = 64;

    private BankMatcher(List<LoadedEntry> loaded, FloodGuardOptions floodOptions, Func<SentenceEmbedder>? embedderFactory)
    {
        entries = loaded.ToDictionary(e => e.Id);
        var pdqEntries = loaded.Where(e => e.Type == SignalType.Pdq).ToList();
        pdq = HammingIndex.Build(
            pdqEntries.Select(e => Hash256.Parse(e.Signal)).ToArray(),
            pdqEntries.Select(e => e.Id).ToArray());
        pdqRadius = pdqEntries.Count == 0 ? 0 : pdqEntries.Max(e => e.PdqMaxDistance);
        exact = loaded.Where(e => e.Type is SignalType.Md5 or SignalType.Sha256 or SignalType.TextExact)
            .GroupBy(e => (e.Type, e.Signal)).ToDictionary(g => g.Key, g => g.ToList());
        text = new NearDuplicateIndex();
        var textEntries = loaded.Where(e => e.Type == SignalType.TextMinHash).ToList();
        foreach (var e in textEntries)
        {
            text.Add(e.Id.ToString(CultureInfo.InvariantCulture), MinHashSignature.Parse(e.Signal));
        }
        textThreshold = textEntries.Count == 0 ? 1 : textEntries.Min(e => e.TextMinSimilarity);
        var embeddingEntries = loaded.Where(e => e.Type == SignalType.TextEmbedding).ToList();
        semantic = new SemanticIndex(SentenceEmbedder.Dimensions, embeddingEntries.Count);
        foreach (var e in embeddingEntries)
        {
            semantic.Add(e.Id, EmbeddingSignal.Decode(e.Signal));
        }
        semanticThreshold = embeddingEntries.Count == 0 ? 1 : embeddingEntries.Min(e => e.EmbeddingMinSimilarity);
        embedder = embedderFactory ?? (() => SemanticModel.Shared);
        flood = new FloodGuard(floodOptions);
    }

    public int EntryCount => entries.Count;

    /// <summary>True when some enabled bank holds text_embedding entries, so texts are embedded when matched.</summary>
    public bool HasEmbeddings => semantic.Count > 0;

    public void Dispose() => pdq.Dispose();

    /// <summary>Builds a matcher over entries already loaded (tests, tools); the database path is LoadAsync.</summary>
    public static BankMatcher Create(IEnumerable<LoadedEntry> entries, FloodGuardOptions? flood = null, Func<SentenceEmbedder>? embedder = null) =>
        new([.. entries], flood ?? FloodGuardOptions.Default, embedder);

    /// <summary>Loads the active entries of every enabled bank; texts are embedded with <see cref="SemanticModel.Shared"/>.</summary>
    public static Task<BankMatcher> LoadAsync(VigilDb db, FloodGuardOptions? flood, CancellationToken ct) => LoadAsync(db, flood, null, ct);

    /// <summary>Loads the active entries of every enabled bank.</summary>
    /// <param name="embedder">Gives the sentence embedder, called only if a bank holds text_embedding entries; null: <see cref="SemanticModel.Shared"/>.</param>
    public static async Task<BankMatcher> LoadAsync(VigilDb db, FloodGuardOptions? flood, Func<SentenceEmbedder>? embedder, CancellationToken ct)
    {
        var rows = await db.BankEntries.AsNoTracking()
            .Where(e => e.Enabled && e.QuarantinedAt == null && e.Bank!.Enabled)
            .Select(e => new LoadedEntry(e.Id, e.Bank!.Name, e.Bank.Kind, e.Bank.PdqMaxDistance, e.Bank.PdqMinQuality, e.Bank.TextMinSimilarity,
                e.SignalType, e.Signal, e.Entity, e.Ideology, e.ContentType, e.Severity, e.Source))
            .ToListAsync(ct);
        return new BankMatcher(rows, flood ?? FloodGuardOptions.Default, embedder);
    }

    public MatchOutcome Match(MatchProbe probe)
    {
        var found = new Dictionary<long, MatchHit>();
        var notes = probe.Notes.ToList();
        void Found(LoadedEntry e, string via, int? distance, double? similarity)
        {
            if (flood.IsQuarantined(e.Id))
            {
                return;
            }
            if (!found.TryGetValue(e.Id, out var previous) || (distance ?? 0) < (previous.Distance ?? 0) || (similarity ?? 0) > (previous.Similarity ?? 0))
            {
                found[e.Id] = new MatchHit(e, via, distance, similarity, null);
            }
        }

        if (probe.Pdq.Count > 0 && pdqRadius > 0)
        {
            foreach (var (via, hash) in probe.Pdq)
            {
                scratch.Clear();
                pdq.Search(hash, pdqRadius, scratch);
                foreach (var m in scratch)
                {
                    var e = entries[m.Id];
                    if (m.Distance > e.PdqMaxDistance)
                    {
                        continue;
                    }
                    if (probe.PdqQuality < e.PdqMinQuality)
                    {
                        notes.Add(string.Create(CultureInfo.InvariantCulture, $"PDQ quality {probe.PdqQuality} is below bank '{e.Bank}''s minimum {e.PdqMinQuality}: not trusted for matching"));
                        continue;
                    }
                    Found(e, via == "original" ? "pdq" : "pdq " + via, m.Distance, null);
                }
            }
        }
        Exact(SignalType.Md5, probe.Md5);
        Exact(SignalType.Sha256, probe.Sha256);
        Exact(SignalType.TextExact, probe.TextExact);
        if (probe.TextMinHash is { } signature && text.Count > 0)
        {
            foreach (var m in text.Query(signature, textThreshold))
            {
                var e = entries[long.Parse(m.Id, CultureInfo.InvariantCulture)];
                if (m.Similarity >= e.TextMinSimilarity)
                {
                    Found(e, "text near-duplicate", null, Math.Round(m.Similarity, 3));
                }
            }
        }
        if (semantic.Count > 0 && (probe.TextEmbedding ?? (probe.Text is { } t ? embedder().Embed(t) : null)) is { } vector)
        {
            foreach (var m in semantic.Search(vector, MaxSemanticHits, (float)semanticThreshold))
            {
                var e = entries[m.Id];
                if (m.Similarity >= e.EmbeddingMinSimilarity)
                {
                    Found(e, "text embedding", null, Math.Round(m.Similarity, 3));
                }
            }
        }

        void Exact(SignalType type, string? signal)
        {
            if (signal is not null && exact.TryGetValue((type, signal), out var list))
            {
                foreach (var e in list)
                {
                    Found(e, type.Name(), type == SignalType.Pdq ? 0 : null, null);
                }
            }
        }

        // Flood protection judges what positive banks matched; quarantine takes effect at once.
        var quarantined = flood.Record(found.Values.Where(h => h.Entry.Kind == BankKind.Positive).Select(h => h.Entry.Id).ToList())
            .Select(q => new Quarantine(entries[q.EntryId], q.Hits, q.Lookups)).ToList();
        foreach (var q in quarantined)
        {
            found.Remove(q.Entry.Id);
            notes.Add($"entry {q.Entry.Id} of bank '{q.Entry.Bank}' quarantined by flood protection: {q.Reason}");
        }

        var veto = found.Values.Where(h => h.Entry.Kind == BankKind.Negative).OrderBy(h => h.Distance ?? 0).FirstOrDefault();
        var hits = found.Values
            .Select(h => veto is not null && h.Entry.Kind == BankKind.Positive
                ? h with { VetoedBy = $"negative bank '{veto.Entry.Bank}' entry {veto.Entry.Id}" }
                : h)
            .OrderBy(h => h.Entry.Kind).ThenBy(h => h.Distance ?? 0).ThenByDescending(h => h.Similarity ?? 0).ThenBy(h => h.Entry.Id)
            .ToList();
        return new MatchOutcome(probe.Input, hits, notes.Distinct().ToList(), quarantined);
    }

    /// <summary>Persists flood-protection quarantines so that every node and later run honours them.</summary>
    public static async Task PersistQuarantinesAsync(VigilDb db, IEnumerable<Quarantine> quarantines, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var q in quarantines)
        {
            var entry = await db.BankEntries.SingleAsync(e => e.Id == q.Entry.Id, ct);
            entry.QuarantinedAt = now;
            entry.QuarantineReason = "flood protection: " + q.Reason;
            entry.UpdatedAt = now;
        }
        await db.SaveChangesAsync(ct);
    }
}
