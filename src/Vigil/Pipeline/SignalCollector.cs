using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Vigil.Detection.Rules;
using Vigil.Hashing.Imaging;
using Vigil.Hashing.Index;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Text;
using Vigil.Matching;
using Vigil.Storage;

namespace Vigil.Pipeline;

/// <summary>What the signal sources need of one item: its content, never anything it does not carry.</summary>
public sealed record SignalInput(string Label, string? Text, bool EndToEndEncrypted, byte[]? Image, byte[]? ImageSha256);

/// <summary>The signals computed for one item.</summary>
/// <param name="Hits">Every bank hit, vetoed and negative ones included (recorded in the decision).</param>
/// <param name="Facts">The positive, unvetoed hits as the rules see them.</param>
/// <param name="NormalizedText">The item's text, normalised once here so the rules do not normalise it again.</param>
/// <param name="Notes">Why a signal is missing (an image that does not decode, ...).</param>
public sealed record ItemSignals(IReadOnlyList<MatchHit> Hits, IReadOnlyList<BankHitFact> Facts, string? NormalizedText, IReadOnlyList<string> Notes);

/// <summary>
/// Computes an item's signals: today bank matches (PDQ of the image in all eight orientations, MD5 and SHA-256 of
/// the image bytes, the text's exact hash and MinHash). One instance per worker holds one <see cref="BankMatcher"/>
/// and reloads it when the banks change (checked at most every <c>bankCheckInterval</c>), so entries added while
/// the server runs are matched on the next items. Not thread-safe: call it from one batch at a time.
/// </summary>
public sealed class SignalCollector(TimeProvider time, TimeSpan bankCheckInterval, FloodGuardOptions? flood = null) : IDisposable
{
    private static readonly string[] TransformNames = ["original", "rotate 90", "rotate 180", "rotate 270", "flip x", "flip y", "transpose", "anti-transpose"];

    // PDQ workspaces hold large buffers; one per thread that hashes.
    private readonly ThreadLocal<PdqWorkspace> workspaces = new(() => new PdqWorkspace());
    private BankMatcher? matcher;
    private string? bankVersion;
    private DateTimeOffset nextCheck = DateTimeOffset.MinValue;

    /// <summary>Entries the current matcher holds.</summary>
    public int BankEntryCount => matcher?.EntryCount ?? 0;

    /// <summary>Where hashing and matching time is added up; null: not measured.</summary>
    public PipelineStageTimes? Times { get; init; }

    /// <summary>Flood quarantines found since the last call; the caller persists them in its transaction.</summary>
    public List<Quarantine> PendingQuarantines { get; } = [];

    /// <summary>Reloads the matcher when the banks changed; the version query runs at most every check interval.</summary>
    public async Task RefreshBanksAsync(VigilDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = time.GetUtcNow();
        if (matcher is not null && now < nextCheck)
        {
            return;
        }
        nextCheck = now + bankCheckInterval;
        var version = await BankVersionAsync(db, ct);
        if (matcher is not null && version == bankVersion)
        {
            return;
        }
        var loaded = await BankMatcher.LoadAsync(db, flood, ct);
        matcher?.Dispose();
        matcher = loaded;
        bankVersion = version;
    }

    /// <summary>Forces the next <see cref="RefreshBanksAsync"/> to query the bank version.</summary>
    public void ExpireBankCheck() => nextCheck = DateTimeOffset.MinValue;

    /// <summary>
    /// A cheap fingerprint of everything matching depends on: the entries' count, highest id and latest update,
    /// how many are active, and each bank's switches and thresholds.
    /// </summary>
    private static async Task<string> BankVersionAsync(VigilDb db, CancellationToken ct)
    {
        var count = await db.BankEntries.CountAsync(ct);
        var active = await db.BankEntries.CountAsync(e => e.Enabled && e.QuarantinedAt == null, ct);
        var maxId = await db.BankEntries.OrderByDescending(e => e.Id).Select(e => (long?)e.Id).FirstOrDefaultAsync(ct);
        var updated = await db.BankEntries.OrderByDescending(e => e.UpdatedAt).Select(e => (DateTimeOffset?)e.UpdatedAt).FirstOrDefaultAsync(ct);
        var banks = await db.Banks.OrderBy(b => b.Id)
            .Select(b => new { b.Id, b.Enabled, b.Kind, b.PdqMaxDistance, b.PdqMinQuality, b.TextMinSimilarity })
            .ToListAsync(ct);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{count}/{active}/{maxId}/{updated?.UtcTicks}");
        foreach (var b in banks)
        {
            sb.Append(CultureInfo.InvariantCulture, $"|{b.Id},{b.Enabled},{b.Kind},{b.PdqMaxDistance},{b.PdqMinQuality},{b.TextMinSimilarity}");
        }
        return sb.ToString();
    }

    /// <summary>
    /// Computes the signals of every input. Hashing (the expensive part) runs in parallel; matching runs in order
    /// on the one matcher, so flood protection sees lookups as they come. A failure in one item's hashing is
    /// a note on that item, never a failure of the batch.
    /// </summary>
    public ItemSignals[] Collect(IReadOnlyList<SignalInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var m = matcher ?? throw new InvalidOperationException("call RefreshBanksAsync first");
        var start = Stopwatch.GetTimestamp();
        var probes = new (MatchProbe Probe, string? Normalized)[inputs.Count];
        if (inputs.Count >= 32)
        {
            Parallel.For(0, inputs.Count, i => probes[i] = Probe(inputs[i]));
        }
        else
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                probes[i] = Probe(inputs[i]);
            }
        }
        if (m.HasEmbeddings)
        {
            EmbedTexts(probes);
        }
        var hashed = Stopwatch.GetTimestamp();
        Times?.Add(PipelineStage.Hashing, hashed - start);
        var results = new ItemSignals[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var (probe, normalized) = probes[i];
            var outcome = m.Match(probe);
            PendingQuarantines.AddRange(outcome.Quarantined);
            var facts = new List<BankHitFact>(outcome.Hits.Count);
            foreach (var hit in outcome.Hits)
            {
                if (BankHitFact.From(hit) is { } fact)
                {
                    facts.Add(fact);
                }
            }
            results[i] = new ItemSignals(outcome.Hits, facts, normalized, outcome.Notes);
        }
        Times?.Add(PipelineStage.Matching, Stopwatch.GetTimestamp() - hashed);
        return results;
    }

    /// <summary>
    /// Embeds the batch's texts in one batched model call (several times the throughput of one text per call),
    /// so the matcher does not embed them one by one.
    /// </summary>
    private static void EmbedTexts((MatchProbe Probe, string? Normalized)[] probes)
    {
        var indexes = new List<int>();
        var texts = new List<string>();
        for (var i = 0; i < probes.Length; i++)
        {
            if (probes[i].Probe.Text is { Length: > 0 } t)
            {
                indexes.Add(i);
                texts.Add(t);
            }
        }
        if (texts.Count == 0)
        {
            return;
        }
        var vectors = Vigil.Semantic.SemanticModel.Shared.Embed(texts);
        for (var k = 0; k < indexes.Count; k++)
        {
            var i = indexes[k];
            probes[i] = (probes[i].Probe with { TextEmbedding = vectors[k] }, probes[i].Normalized);
        }
    }

    private (MatchProbe, string?) Probe(SignalInput input)
    {
        var notes = new List<string>();
        string? normalized = null;
        string? textExact = null;
        MinHashSignature? minHash = null;
        var pdq = new List<(string, Hashing.Hash256)>();
        var quality = 0;
        string? md5 = null;
        string? sha256 = null;
        // End-to-end encrypted items carry no content to the platform: nothing to hash.
        if (!input.EndToEndEncrypted)
        {
            if (input.Text is { } text)
            {
                var t0 = CpuSeconds();
                try
                {
                    normalized = TextNormalizer.Normalize(text);
                    textExact = TextHasher.Sha256OfNormalized(normalized).ToString();
                    minHash = normalized.Length == 0 ? null : TextHasher.MinHashOfNormalized(normalized);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
                {
                    notes.Add("no text signals: " + e.Message);
                }
                Times?.Text(CpuSeconds() - t0);
            }
            if (input.Image is { Length: > 0 } image)
            {
                var t0 = CpuSeconds();
#pragma warning disable CA5351 // MD5 only to match MD5 hash lists, not for integrity.
                md5 = Convert.ToHexStringLower(MD5.HashData(image));
#pragma warning restore CA5351
                // The ingest API already hashed the bytes; do not do it twice.
                sha256 = Convert.ToHexStringLower(input.ImageSha256 ?? SHA256.HashData(image));
                try
                {
                    var d = workspaces.Value!.HashImageDihedral(image, input.Label);
                    quality = d.Quality;
                    var transforms = Enum.GetValues<PdqTransform>();
                    for (var t = 0; t < transforms.Length; t++)
                    {
                        pdq.Add((TransformNames[t], d[transforms[t]]));
                    }
                }
                catch (Exception e) when (e is ImageDecodeException or ArgumentException or InvalidOperationException or OverflowException or OutOfMemoryException)
                {
                    // A corrupt or hostile image is decided on the signals that could be computed.
                    notes.Add("no PDQ: " + e.Message);
                }
                Times?.Image(CpuSeconds() - t0);
            }
        }
        var probe = new MatchProbe(input.Label)
        {
            Pdq = pdq,
            PdqQuality = quality,
            Md5 = md5,
            Sha256 = sha256,
            TextExact = textExact,
            TextMinHash = minHash,
            // The matcher embeds the text for semantic similarity only when a bank holds text_embedding entries.
            Text = input.EndToEndEncrypted ? null : input.Text,
            Notes = notes,
        };
        return (probe, normalized);
    }

    /// <summary>
    /// The hashing thread's CPU time (wall time where the OS has no per-thread clock): on a shared machine the wall
    /// time of a preempted thread says nothing about what hashing costs.
    /// </summary>
    private static double CpuSeconds() => ThreadCpuClock.IsSupported ? ThreadCpuClock.Seconds() : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    /// <summary>Releases the matcher's index and the hashing buffers.</summary>
    public void Dispose()
    {
        matcher?.Dispose();
        workspaces.Dispose();
    }
}
