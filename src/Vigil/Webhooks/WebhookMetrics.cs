using System.Diagnostics.Metrics;

namespace Vigil.Webhooks;

/// <summary>
/// Meter <c>Vigil.Webhooks</c>: <c>vigil.webhooks.deliveries</c> (attempt outcomes: delivered, retry, dead),
/// <c>vigil.webhooks.attempt.duration</c> (seconds per HTTP attempt) and <c>vigil.webhooks.pending</c> (pending messages
/// at the dispatcher's last read).
/// </summary>
public sealed class WebhookMetrics
{
    public const string MeterName = "Vigil.Webhooks";

    private readonly Counter<long> deliveries;
    private readonly Histogram<double> duration;
    private long pending;

    public WebhookMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = Meter = meters.Create(MeterName);
        deliveries = meter.CreateCounter<long>("vigil.webhooks.deliveries", "{attempt}", "Webhook attempts by outcome");
        duration = meter.CreateHistogram<double>("vigil.webhooks.attempt.duration", "s", "Time from sending a webhook to its response or failure");
        meter.CreateObservableGauge("vigil.webhooks.pending", () => Interlocked.Read(ref pending), "{message}", "Webhook messages waiting to be delivered");
    }

    /// <summary>This instance's meter (one per container, so tests can tell their dispatcher's figures apart).</summary>
    public Meter Meter { get; }

    internal void SetPending(long count) => Interlocked.Exchange(ref pending, count);

    internal void RecordAttempt(TimeSpan elapsed, bool delivered) =>
        duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));

    internal void Delivered() => deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "delivered"));

    internal void Retried() => deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "retry"));

    internal void Dead() => deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "dead"));
}
