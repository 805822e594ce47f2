using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Storage;

namespace Vigil.Legal;

/// <summary>Where an order stands against its deadline.</summary>
public enum DeadlineStatus
{
    /// <summary>The instrument sets no deadline.</summary>
    None,
    OnTime,

    /// <summary>Under 25% of the allowed time, or under 2 hours, is left.</summary>
    DueSoon,
    Overdue,

    /// <summary>Waiting for the authority's clarification: the clock is stopped.</summary>
    Paused,

    /// <summary>Answered or ended: the deadline no longer applies.</summary>
    Finished,
}

/// <summary>The deadline rules of the legal desk: due-soon and overdue, and the inbox order.</summary>
public static class OrderDeadlines
{
    public static readonly TimeSpan DueSoonAbsolute = TimeSpan.FromHours(2);
    public const double DueSoonFraction = 0.25;

    public static DeadlineStatus StatusOf(LegalOrder order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (OrderLifecycle.IsFinished(order.State))
        {
            return DeadlineStatus.Finished;
        }
        if (order.PausedAt is not null || order.State == OrderState.ClarificationRequested)
        {
            return DeadlineStatus.Paused;
        }
        if (order.DueAt is not { } due)
        {
            return DeadlineStatus.None;
        }
        if (now >= due)
        {
            return DeadlineStatus.Overdue;
        }
        var left = due - now;
        var allowed = due - order.ReceivedAt;
        return left < DueSoonAbsolute || left < allowed * DueSoonFraction ? DeadlineStatus.DueSoon : DeadlineStatus.OnTime;
    }

    /// <summary>Time left (negative when overdue); for a paused order, the time that was left when it paused.</summary>
    public static TimeSpan? Remaining(LegalOrder order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.DueAt is not { } due ? null : due - (order.PausedAt ?? now);
    }

    /// <summary>The inbox order: running deadlines first by due time (so overdue ones lead), then paused, then none.</summary>
    public static IReadOnlyList<LegalOrder> InboxOrder(IEnumerable<LegalOrder> orders, DateTimeOffset now) =>
        [.. orders.OrderBy(o => StatusOf(o, now) switch
            {
                DeadlineStatus.Overdue or DeadlineStatus.DueSoon or DeadlineStatus.OnTime => 0,
                DeadlineStatus.Paused => 1,
                DeadlineStatus.None => 2,
                _ => 3,
            })
            .ThenBy(o => o.DueAt ?? DateTimeOffset.MaxValue)
            .ThenBy(o => o.Id)];
}

/// <summary>The <c>Vigil.Orders</c> meter's deadline alert counter.</summary>
public sealed class OrderMetrics : IDisposable
{
    public const string MeterName = "Vigil.Orders";

    private readonly Meter meter;
    private readonly Counter<long> alerts;

    public OrderMetrics(IMeterFactory? factory)
    {
        meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        alerts = meter.CreateCounter<long>("vigil.orders.deadline_alerts", "{alert}", "Deadline alerts raised, by kind (due_soon, overdue)");
    }

    public Meter Meter => meter;

    internal void Alert(OrderAlertKind kind) =>
        alerts.Add(1, new KeyValuePair<string, object?>("kind", kind == OrderAlertKind.DueSoon ? "due_soon" : "overdue"));

    public void Dispose() => meter.Dispose();
}

/// <summary>
/// Background service that raises each order's due-soon and overdue alerts once: a row in <c>order_alerts</c>, a
/// ledger event and the <c>vigil.orders.deadline_alerts</c> counter. Driven by <see cref="TimeProvider"/>.
/// </summary>
public sealed class OrderDeadlineMonitor(VigilStore store, LedgerLog ledger, TimeProvider time, OrderMetrics metrics, ILogger<OrderDeadlineMonitor>? log = null)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>One pass over the orders whose clock runs; returns the alerts raised.</summary>
    public async Task<IReadOnlyList<OrderAlert>> ScanAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = store.CreateContext();
        var open = await db.LegalOrders.AsNoTracking()
            .Where(o => o.DueAt != null && o.PausedAt == null
                && o.State != OrderState.Rejected && o.State != OrderState.Disclosed && o.State != OrderState.Removed
                && o.State != OrderState.Closed && o.State != OrderState.Preserved && o.State != OrderState.ClarificationRequested)
            .ToListAsync(ct);
        var due = open.Select(o => (Order: o, Status: OrderDeadlines.StatusOf(o, now)))
            .Where(x => x.Status is DeadlineStatus.DueSoon or DeadlineStatus.Overdue).ToList();
        if (due.Count == 0)
        {
            return [];
        }
        var ids = due.Select(x => x.Order.Id).ToList();
        var raised = (await db.OrderAlerts.AsNoTracking().Where(a => ids.Contains(a.OrderId)).Select(a => new { a.OrderId, a.Kind }).ToListAsync(ct))
            .Select(a => (a.OrderId, a.Kind)).ToHashSet();
        var added = new List<OrderAlert>();
        foreach (var (order, status) in due)
        {
            var kind = status == DeadlineStatus.Overdue ? OrderAlertKind.Overdue : OrderAlertKind.DueSoon;
            // An order first seen overdue gets only the overdue alert: a late due-soon alert would be noise.
            if (!raised.Contains((order.Id, kind)))
            {
                added.Add(new OrderAlert { OrderId = order.Id, Kind = kind, DueAt = order.DueAt!.Value, RaisedAt = now });
            }
        }
        if (added.Count == 0)
        {
            return [];
        }
        db.OrderAlerts.AddRange(added);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another monitor raised them first (unique per order and kind).
            return [];
        }
        await ledger.AppendBatchAsync([.. added.Select(a => OrderLifecycle.Event(OrderReview.SystemActor, "system",
            a.Kind == OrderAlertKind.Overdue ? "order.overdue" : "order.due_soon", a.OrderId,
            $"deadline {a.DueAt.UtcDateTime:yyyy-MM-dd HH:mm}Z {(a.Kind == OrderAlertKind.Overdue ? "passed" : "is near")}"))], ct);
        foreach (var a in added)
        {
            metrics.Alert(a.Kind);
        }
        return added;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await ScanAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database that is briefly away must not stop the monitor; the next pass retries.
                log?.LogWarning(e, "deadline scan failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
