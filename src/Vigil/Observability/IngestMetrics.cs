using System.Diagnostics.Metrics;

namespace Vigil.Observability;

/// <summary>The "Vigil.Ingest" meter: what platforms send to <c>POST /api/v1/events</c> and how it went.</summary>
public sealed class IngestMetrics
{
    public const string MeterName = "Vigil.Ingest";

    private readonly Counter<long> events;
    private readonly Counter<long> batches;
    private readonly Histogram<long> bodyBytes;
    private readonly Histogram<double> duration;

    public IngestMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        events = meter.CreateCounter<long>("vigil.ingest.events", "{event}", "Events received, by event type and outcome (accepted, duplicate, rejected)");
        batches = meter.CreateCounter<long>("vigil.ingest.batches", "{batch}", "Ingest requests, by outcome (ok, bad_request, too_large)");
        bodyBytes = meter.CreateHistogram<long>("vigil.ingest.request.body.size", "By", "Size of ingest request bodies",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1024, 16 * 1024, 128 * 1024, 1024 * 1024, 4 * 1024 * 1024, 16 * 1024 * 1024, 64 * 1024 * 1024] });
        duration = meter.CreateHistogram<double>("vigil.ingest.request.duration", "s", "Time to read, validate and store one ingest request",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    }

    /// <summary>Counts one event. <paramref name="type"/> is one of the API's event types, or "unknown" for an event rejected before its type was known.</summary>
    public void Event(string type, string status) =>
        events.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("status", status));

    /// <summary>Records one finished ingest request.</summary>
    public void Batch(string outcome, long bytes, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        batches.Add(1, tag);
        if (bytes >= 0)
        {
            bodyBytes.Record(bytes, tag);
        }
        duration.Record(elapsed.TotalSeconds, tag);
    }
}
