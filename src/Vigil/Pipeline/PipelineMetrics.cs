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
