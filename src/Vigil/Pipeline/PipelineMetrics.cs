using System.Diagnostics;
using System.Diagnostics.Metrics;
using Vigil.Detection.Rules;

namespace Vigil.Pipeline;

/// <summary>The pipeline's instruments on the <c>Vigil.Pipeline</c> meter (exported with the other Vigil.* meters).</summary>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = "Vigil.Pipeline";

    private readonly Meter meter;
    private readonly Counter<long> processed;
    private readonly Counter<long> decisions;
    private readonly Histogram<double> latency;
    private long backlog;

    /// <summary>Creates the instruments; <paramref name="factory"/> is the host's, or null for a meter of our own.</summary>
    public PipelineMetrics(IMeterFactory? factory)
    {
        meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        processed = meter.CreateCounter<long>("vigil.pipeline.items_processed", "{item}", "Items the pipeline finished with");
        decisions = meter.CreateCounter<long>("vigil.pipeline.decisions", "{action}", "Actions decided, by action kind and mode (enforce or shadow)");
        latency = meter.CreateHistogram<double>("vigil.pipeline.accept_to_decision", "ms", "Time from acceptance by the ingest API to the decision");
        meter.CreateObservableGauge("vigil.pipeline.backlog", () => Volatile.Read(ref backlog), "{item}", "Items waiting for the pipeline");
    }

    /// <summary>Where the batches' time goes, per stage (for the benchmark's breakdown).</summary>
    public PipelineStageTimes Stages { get; } = new();

    /// <summary>The meter the instruments belong to.</summary>
    public Meter Meter => meter;

    /// <summary>Last measured number of unprocessed items.</summary>
    public long Backlog
    {
        get => Volatile.Read(ref backlog);
        set => Volatile.Write(ref backlog, value);
    }

    internal void ItemsProcessed(int n) => processed.Add(n);

    internal void Decided(ActionKind kind, RuleMode mode) =>
        decisions.Add(1, new KeyValuePair<string, object?>("action", kind.ToString()), new KeyValuePair<string, object?>("mode", mode == RuleMode.Enforce ? "enforce" : "shadow"));

    internal void Latency(double ms) => latency.Record(ms);

    /// <summary>Disposes a meter created here (the factory disposes its own).</summary>
    public void Dispose() => meter.Dispose();
}

/// <summary>The stages of one detection batch, in the order they run.</summary>
public enum PipelineStage
{
    /// <summary>Transaction start and the claim query.</summary>
    Claim,

    /// <summary>Accounts, report counts and earlier decisions of the batch's items.</summary>
    Lookups,

    /// <summary>Text and image hashing (parallel over the batch; wall time).</summary>
    Hashing,

    /// <summary>Bank matching, in order.</summary>
    Matching,

    /// <summary>Rule evaluation and building the decision rows (JSON).</summary>
    Rules,

    /// <summary>Inserting the decision rows.</summary>
    WriteDecisions,

    /// <summary>Actions, outbox messages, accounts, quarantines.</summary>
    WriteActions,

    /// <summary>Setting ProcessedAt on the batch's items.</summary>
    MarkProcessed,

    /// <summary>Commit.</summary>
    Commit,

    /// <summary>Ledger append after the commit.</summary>
    Ledger,
}

/// <summary>
/// Where a pipeline's time goes: wall time per stage summed over batches, and the hashing threads' CPU time for
/// images and texts. Cheap enough to stay on (a timestamp per stage per batch, two per hashed item); read by
/// <c>vigil bench ingest</c> for its stage breakdown.
/// </summary>
public sealed class PipelineStageTimes
{
    private readonly long[] ticks = new long[Enum.GetValues<PipelineStage>().Length];
    private long batches;
    private long items;
    private long images;
    private long imageTicks;
    private long texts;
    private long textTicks;

    internal void Add(PipelineStage stage, long elapsedTicks) => Interlocked.Add(ref ticks[(int)stage], elapsedTicks);

    internal void Batch(int claimed)
    {
        Interlocked.Increment(ref batches);
        Interlocked.Add(ref items, claimed);
    }

    /// <summary>One image hashed in <paramref name="cpuSeconds"/> of its thread's time.</summary>
    internal void Image(double cpuSeconds)
    {
        Interlocked.Increment(ref images);
        Interlocked.Add(ref imageTicks, TimeSpan.FromSeconds(Math.Max(0, cpuSeconds)).Ticks);
    }

    /// <summary>One text normalised and hashed in <paramref name="cpuSeconds"/> of its thread's time.</summary>
    internal void Text(double cpuSeconds)
    {
        Interlocked.Increment(ref texts);
        Interlocked.Add(ref textTicks, TimeSpan.FromSeconds(Math.Max(0, cpuSeconds)).Ticks);
    }

    /// <summary>The totals so far.</summary>
    public PipelineStageSnapshot Snapshot() => new(
        Interlocked.Read(ref batches),
        Interlocked.Read(ref items),
        Enum.GetValues<PipelineStage>().ToDictionary(s => s, s => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref ticks[(int)s]))),
        Interlocked.Read(ref images),
        TimeSpan.FromTicks(Interlocked.Read(ref imageTicks)),
        Interlocked.Read(ref texts),
        TimeSpan.FromTicks(Interlocked.Read(ref textTicks)));
}

/// <summary>Totals of <see cref="PipelineStageTimes"/>: batches and items that got that far, wall time per stage, hashing CPU time.</summary>
public sealed record PipelineStageSnapshot(
    long Batches, long Items, IReadOnlyDictionary<PipelineStage, TimeSpan> Stages, long Images, TimeSpan ImageHashing, long Texts, TimeSpan TextHashing)
{
    /// <summary>The difference from an earlier snapshot (an interval).</summary>
    public PipelineStageSnapshot Since(PipelineStageSnapshot earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return new(Batches - earlier.Batches, Items - earlier.Items,
            Stages.ToDictionary(kv => kv.Key, kv => kv.Value - earlier.Stages.GetValueOrDefault(kv.Key)),
            Images - earlier.Images, ImageHashing - earlier.ImageHashing, Texts - earlier.Texts, TextHashing - earlier.TextHashing);
    }
}
