using System.Diagnostics.Metrics;

namespace Vigil.Referrals;

/// <summary>
/// Meter <c>Vigil.Referrals</c>: <c>vigil.referrals.attempts</c> (outcomes: acknowledged, delivered, retry, dead),
/// <c>vigil.referrals.end_to_end</c> (ms from the item's arrival to the authority's acknowledgement),
/// <c>vigil.referrals.pending</c> and <c>vigil.referrals.no_authority</c> (at the dispatcher's last read).
/// </summary>
public sealed class ReferralMetrics
{
    public const string MeterName = "Vigil.Referrals";

    private readonly Counter<long> attempts;
    private readonly Histogram<double> endToEnd;
    private long pending;
    private long noAuthority;

    public ReferralMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = Meter = meters.Create(MeterName);
        attempts = meter.CreateCounter<long>("vigil.referrals.attempts", "{attempt}", "Referral delivery attempts by outcome");
        endToEnd = meter.CreateHistogram<double>("vigil.referrals.end_to_end", "ms", "Time from the referred item's arrival to the authority's acknowledgement");
        meter.CreateObservableGauge("vigil.referrals.pending", () => Interlocked.Read(ref pending), "{referral}", "Referrals waiting to be delivered");
        meter.CreateObservableGauge("vigil.referrals.no_authority", () => Interlocked.Read(ref noAuthority), "{referral}", "Referrals with no reachable competent authority");
    }

    public Meter Meter { get; }

    /// <summary>Referrals waiting at the last read.</summary>
    public long Pending => Interlocked.Read(ref pending);

    /// <summary>Referrals without a reachable authority at the last read.</summary>
    public long NoAuthority => Interlocked.Read(ref noAuthority);

    internal void SetCounts(long waiting, long without)
    {
        Interlocked.Exchange(ref pending, waiting);
        Interlocked.Exchange(ref noAuthority, without);
    }

    internal void Outcome(string outcome) => attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    internal void EndToEnd(double ms) => endToEnd.Record(ms);
}
