using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Legal;
using Vigil.Orders;
using Vigil.Tests.Support;

namespace Vigil.Tests.Legal;

public sealed class DeadlineTests
{
    private static LegalOrder Order(long id, DateTimeOffset received, TimeSpan? allowed, OrderState state = OrderState.UnderReview, DateTimeOffset? paused = null) => new()
    {
        Id = id,
        Reference = "R" + id,
        SubmittedBy = "k",
        State = state,
        ReceivedAt = received,
        DueAt = allowed is { } a ? received + a : null,
        PausedAt = paused,
    };

    [Fact]
    public void Due_soon_means_under_a_quarter_of_the_allowed_time_or_under_two_hours_left()
    {
        var t0 = LegalKit.Start;
        var tenDays = Order(1, t0, TimeSpan.FromDays(10));
        Assert.Equal(DeadlineStatus.OnTime, OrderDeadlines.StatusOf(tenDays, t0.AddDays(7)));
        Assert.Equal(DeadlineStatus.DueSoon, OrderDeadlines.StatusOf(tenDays, t0.AddDays(7.6)));
        Assert.Equal(DeadlineStatus.Overdue, OrderDeadlines.StatusOf(tenDays, t0.AddDays(10)));
        var eightHours = Order(2, t0, TimeSpan.FromHours(8));
        Assert.Equal(DeadlineStatus.OnTime, OrderDeadlines.StatusOf(eightHours, t0.AddHours(5.9)));
        Assert.Equal(DeadlineStatus.DueSoon, OrderDeadlines.StatusOf(eightHours, t0.AddHours(6.1)));
        Assert.Equal(DeadlineStatus.DueSoon, OrderDeadlines.StatusOf(Order(3, t0, TimeSpan.FromHours(1)), t0));
        Assert.Equal(DeadlineStatus.Paused, OrderDeadlines.StatusOf(Order(4, t0, TimeSpan.FromHours(1), OrderState.ClarificationRequested, t0), t0.AddDays(3)));
        Assert.Equal(DeadlineStatus.Finished, OrderDeadlines.StatusOf(Order(5, t0, TimeSpan.FromHours(1), OrderState.Rejected), t0.AddDays(3)));
        Assert.Equal(DeadlineStatus.None, OrderDeadlines.StatusOf(Order(6, t0, null), t0));
        Assert.Equal("overdue by 1 d 2 h", LegalPages.Span(TimeSpan.FromHours(-26)));
        Assert.Equal("3 h 20 min left", LegalPages.Span(TimeSpan.FromMinutes(200)));
    }

    [Fact]
    public void The_inbox_shows_overdue_first_then_due_soonest_then_paused_then_no_deadline()
    {
        var now = LegalKit.Start;
        var orders = new[]
        {
            Order(1, now.AddDays(-1), null),
            Order(2, now.AddHours(-1), TimeSpan.FromDays(10)),
            Order(3, now.AddHours(-3), TimeSpan.FromHours(2), OrderState.ClarificationRequested, now.AddHours(-2)),
            Order(4, now.AddDays(-11), TimeSpan.FromDays(10)),
            Order(5, now.AddMinutes(-30), TimeSpan.FromHours(1)),
            Order(6, now.AddDays(-4), TimeSpan.FromDays(2)),
        };
        Assert.Equal([6L, 4, 5, 2, 3, 1], OrderDeadlines.InboxOrder(orders, now).Select(o => o.Id));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_monitor_raises_due_soon_and_overdue_once_each_with_ledger_and_metric(string provider)
    {
        await using var kit = await LegalKit.CreateAsync(provider);
        var authority = await kit.AuthorityAsync();
        var id = await kit.OrderAsync(authority, LegalInstrument.EuProductionOrder, [LegalKit.Disclosure((SelectorKind.AccountId, "acct-1"))]);
        var paused = await kit.OrderAsync(authority, LegalInstrument.EuProductionOrder, [LegalKit.Disclosure((SelectorKind.AccountId, "acct-2"))], reference: "REF-2");
        await using (var db = kit.Db())
        {
            await kit.Review(db).RequestClarificationAsync(paused, LegalKit.Alice, "Which period?", CancellationToken.None);
        }
        using var metrics = new OrderMetrics(null);
        var counted = new List<(long Value, string? Kind)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (ReferenceEquals(i.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => counted.Add((v, tags.ToArray().Single(t => t.Key == "kind").Value as string)));
        listener.Start();
        var monitor = new OrderDeadlineMonitor(kit.Store.Store, kit.Ledger, kit.Time, metrics);

        Assert.Empty(await monitor.ScanAsync(CancellationToken.None));
        kit.Time.Advance(TimeSpan.FromDays(8));
        Assert.Equal([OrderAlertKind.DueSoon], (await monitor.ScanAsync(CancellationToken.None)).Select(a => a.Kind));
        Assert.Empty(await monitor.ScanAsync(CancellationToken.None));
        kit.Time.Advance(TimeSpan.FromDays(2));
        var overdue = Assert.Single(await monitor.ScanAsync(CancellationToken.None));
        Assert.Equal((id, OrderAlertKind.Overdue), (overdue.OrderId, overdue.Kind));
        kit.Time.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await monitor.ScanAsync(CancellationToken.None));

        await using (var db = kit.Db())
        {
            Assert.Equal(2, await db.OrderAlerts.CountAsync(a => a.OrderId == id));
            Assert.Equal(0, await db.OrderAlerts.CountAsync(a => a.OrderId == paused));
        }
        Assert.Equal([(1L, "due_soon"), (1L, "overdue")], counted);
        var events = kit.Events();
        Assert.Single(events, e => e.Action == "order.due_soon" && e.Subject.Id == id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Single(events, e => e.Action == "order.overdue");
    }
}
