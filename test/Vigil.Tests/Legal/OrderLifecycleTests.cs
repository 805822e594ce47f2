using CsCheck;
using Vigil.Authorities;
using Vigil.Orders;
using Vigil.Tests.Support;

namespace Vigil.Tests.Legal;

/// <summary>The core state machine (src/Vigil/Orders/OrderLifecycle.cs).</summary>
public sealed class OrderLifecycleTests
{
    private static readonly OrderState[] States = Enum.GetValues<OrderState>();

    [Fact]
    public async Task Move_succeeds_exactly_for_the_valid_transitions_and_records_each()
    {
        await using var store = await TestStore.CreateAsync("sqlite");
        Gen.Select(Gen.Int[0, States.Length - 1], Gen.Int[0, States.Length - 1]).Sample((f, t) =>
        {
            // Samples run in parallel: one context each.
            using var db = store.Store.CreateContext();
            var from = States[f];
            var to = States[t];
            var order = new LegalOrder { Id = 7, Reference = "R", SubmittedBy = "k", State = from, ReceivedAt = LegalKit.Start };
            var before = db.ChangeTracker.Entries<OrderTransition>().Count();
            if (OrderLifecycle.CanMove(from, to))
            {
                var e = OrderLifecycle.Move(db, order, to, "alice", "legal_officer", "because", LegalKit.Start);
                Assert.Equal(to, order.State);
                Assert.Equal("legal_order", e.Subject.Type);
                Assert.Equal(before + 1, db.ChangeTracker.Entries<OrderTransition>().Count());
            }
            else
            {
                var ex = Assert.Throws<InvalidOrderTransitionException>(() => OrderLifecycle.Move(db, order, to, "alice", "legal_officer", "because", LegalKit.Start));
                Assert.Equal((from, to), (ex.From, ex.To));
                Assert.Equal(from, order.State);
                Assert.Equal(before, db.ChangeTracker.Entries<OrderTransition>().Count());
            }
        }, iter: 400);
        Assert.Empty(OrderLifecycle.NextStates(OrderState.Closed));
        Assert.All(States.Where(s => s != OrderState.Closed), s => Assert.True(OrderLifecycle.CanMove(s, OrderState.Closed) || OrderLifecycle.CanMove(s, OrderState.Rejected) || s is OrderState.Received or OrderState.Authenticated));
    }

    [Fact]
    public async Task The_clock_pauses_during_clarification_by_exactly_the_time_waited()
    {
        await using var store = await TestStore.CreateAsync("sqlite");
        Gen.Select(Gen.Int[1, 10_000], Gen.Int[0, 10_000]).Sample((startMinutes, waitMinutes) =>
        {
            using var db = store.Store.CreateContext();
            var order = new LegalOrder { Id = 1, Reference = "R", SubmittedBy = "k", State = OrderState.UnderReview, ReceivedAt = LegalKit.Start, Instrument = LegalInstrument.EuProductionOrder };
            OrderLifecycle.StartClock(order);
            var due = order.DueAt!.Value;
            var asked = LegalKit.Start.AddMinutes(startMinutes);
            OrderLifecycle.Move(db, order, OrderState.ClarificationRequested, "alice", "legal_officer", "q", asked);
            Assert.Equal(asked, order.PausedAt);
            OrderLifecycle.Move(db, order, OrderState.UnderReview, "authority", "authority_user", "a", asked.AddMinutes(waitMinutes));
            Assert.Equal(due.AddMinutes(waitMinutes), order.DueAt);
            Assert.Null(order.PausedAt);
        }, iter: 200);
    }

    [Theory]
    [InlineData(LegalInstrument.EuProductionOrder, false, 240)]
    [InlineData(LegalInstrument.EuProductionOrder, true, 8)]
    [InlineData(LegalInstrument.EuTcoRemovalOrder, false, 1)]
    [InlineData(LegalInstrument.EuDsaOrder, false, 72)]
    [InlineData(LegalInstrument.UkUsOverseasProductionOrder, false, 168)]
    [InlineData(LegalInstrument.EmergencyDisclosureRequest, true, 8)]
    public void The_clock_starts_from_receipt_with_the_instruments_deadline(LegalInstrument instrument, bool emergency, int hours)
    {
        var order = new LegalOrder { Reference = "R", SubmittedBy = "k", Instrument = instrument, Emergency = emergency, ReceivedAt = LegalKit.Start };
        OrderLifecycle.StartClock(order);
        Assert.Equal(LegalKit.Start.AddHours(hours), order.DueAt);
    }

    [Fact]
    public void A_preservation_order_has_no_deadline_and_the_states_that_end_stop_the_clock()
    {
        var order = new LegalOrder { Reference = "R", SubmittedBy = "k", Instrument = LegalInstrument.EuPreservationOrder, ReceivedAt = LegalKit.Start };
        OrderLifecycle.StartClock(order);
        Assert.Null(order.DueAt);
        Assert.Equal([OrderState.Rejected, OrderState.Preserved, OrderState.Disclosed, OrderState.Removed, OrderState.Closed], States.Where(OrderLifecycle.IsFinished));
    }
}
