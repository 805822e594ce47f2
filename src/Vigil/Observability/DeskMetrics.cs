using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Moderation;
using Vigil.Storage;

namespace Vigil.Observability;

/// <summary>
/// The "Vigil.Desk" meter: <c>vigil.desk.queue.depth</c>, the review cases not yet decided, by queue and state. The
/// count is a database query, so it runs at most once per <see cref="RefreshInterval"/> however often Prometheus
/// scrapes; between queries the last answer is reported.
/// </summary>
public sealed class DeskMetrics
{
    public const string MeterName = "Vigil.Desk";
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider time;
    private readonly ILogger<DeskMetrics> log;
    private readonly Lock gate = new();
    private IReadOnlyList<Measurement<long>> last = [];
    private DateTimeOffset? lastAt;

    public DeskMetrics(IMeterFactory meters, IServiceScopeFactory scopes, TimeProvider time, ILogger<DeskMetrics> log)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.scopes = scopes;
        this.time = time;
        this.log = log;
        meters.Create(MeterName).CreateObservableGauge("vigil.desk.queue.depth", Observe, "{case}", "Review cases not yet decided, by queue and state (open, assigned)");
    }

    /// <summary>How many times the database was queried (for tests of the cache).</summary>
    public int Queries { get; private set; }

    internal IReadOnlyList<Measurement<long>> Observe()
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (lastAt is { } at && now - at < RefreshInterval)
            {
                return last;
            }
            try
            {
                // Observable callbacks are synchronous; a scrape waits for this query at most once per interval.
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<VigilDb>();
                var rows = db.ReviewCases.AsNoTracking()
                    .Where(c => c.State != ReviewCaseState.Decided)
                    .GroupBy(c => new { c.Queue, c.State })
                    .Select(g => new { g.Key.Queue, g.Key.State, Count = g.LongCount() })
                    .ToList();
                Queries++;
                last = [.. rows.Select(r => new Measurement<long>(r.Count,
                    new KeyValuePair<string, object?>("queue", r.Queue),
                    new KeyValuePair<string, object?>("state", r.State.ToString().ToLowerInvariant())))];
                lastAt = now;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or ObjectDisposedException)
            {
                // A scrape must not fail because the database is briefly away; report the last known depth.
                log.LogWarning(e, "desk queue depth query failed");
            }
            return last;
        }
    }
}
