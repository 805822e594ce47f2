using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Storage;

namespace Vigil.Orders;

/// <summary>Thrown when a state change is not one of <see cref="OrderLifecycle"/>'s valid transitions.</summary>
public sealed class InvalidOrderTransitionException(OrderState from, OrderState to)
    : InvalidOperationException($"an order cannot move from {from} to {to}")
{
    public OrderState From { get; } = from;

    public OrderState To { get; } = to;
}

/// <summary>
/// The order state machine: the only valid transitions, the deadline clock (paused during clarification), and the
/// record of every move. Callers save the context and then append the returned ledger event.
/// </summary>
public static class OrderLifecycle
{
    public const string SubjectType = "legal_order";

    private static readonly Dictionary<OrderState, OrderState[]> Next = new()
    {
        [OrderState.Received] = [OrderState.Authenticated, OrderState.Rejected],
        [OrderState.Authenticated] = [OrderState.UnderReview, OrderState.Rejected],
        [OrderState.UnderReview] =
        [
            OrderState.ClarificationRequested, OrderState.Approved, OrderState.PartiallyApproved, OrderState.Rejected,
            OrderState.Suspended, OrderState.Preserved, OrderState.Removed,
        ],
        [OrderState.ClarificationRequested] = [OrderState.UnderReview, OrderState.Rejected, OrderState.Closed],
        [OrderState.Approved] = [OrderState.Preserved, OrderState.Disclosed, OrderState.Removed, OrderState.Suspended, OrderState.Closed],
        [OrderState.PartiallyApproved] = [OrderState.Preserved, OrderState.Disclosed, OrderState.Removed, OrderState.Suspended, OrderState.Closed],
        [OrderState.Suspended] = [OrderState.UnderReview, OrderState.Rejected, OrderState.Closed],
        // A preserved order waits for its production order (back to review), is disclosed, or ends.
        [OrderState.Preserved] = [OrderState.UnderReview, OrderState.Disclosed, OrderState.Closed],
        [OrderState.Rejected] = [OrderState.Closed],
        [OrderState.Disclosed] = [OrderState.Closed],
        [OrderState.Removed] = [OrderState.Closed],
        [OrderState.Closed] = [],
    };

    public static bool CanMove(OrderState from, OrderState to) => Next[from].Contains(to);

    public static IReadOnlyList<OrderState> NextStates(OrderState from) => Next[from];

    /// <summary>States in which the deadline clock no longer matters (answered or ended).</summary>
    public static bool IsFinished(OrderState s) =>
        s is OrderState.Rejected or OrderState.Disclosed or OrderState.Removed or OrderState.Closed or OrderState.Preserved;

    /// <summary>Sets <see cref="LegalOrder.DueAt"/> for a new order from its instrument and emergency flag.</summary>
    public static void StartClock(LegalOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        order.DueAt = InstrumentRules.For(order.Instrument).DeadlineFor(order.Emergency) is { } d ? order.ReceivedAt + d : null;
    }

    /// <summary>
    /// Moves <paramref name="order"/> to <paramref name="to"/>: checks the transition, pauses or resumes the deadline,
    /// adds an <see cref="OrderTransition"/> to <paramref name="db"/> (not saved) and returns the ledger event to append
    /// after the caller has saved.
    /// </summary>
    public static LedgerEvent Move(VigilDb db, LegalOrder order, OrderState to, string actor, string role, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        var transition = Apply(order, to, actor, reason, now);
        if (order.Id == 0)
        {
            // Not saved yet (intake moves a new order through its first states): EF sets the key through the navigation.
            order.Transitions.Add(transition);
        }
        else
        {
            db.OrderTransitions.Add(transition);
        }
        return TransitionEvent(transition, role, order.Id);
    }

    /// <summary>
    /// The state change itself, for a writer that stores rows without EF's change tracker: checks the transition, pauses
    /// or resumes the deadline, sets the state and returns the transition for the caller to store (its OrderId is the
    /// order's, 0 while the order is unsaved) and to record with <see cref="TransitionEvent"/> once the order has its id.
    /// </summary>
    public static OrderTransition Apply(LegalOrder order, OrderState to, string actor, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!CanMove(order.State, to))
        {
            throw new InvalidOrderTransitionException(order.State, to);
        }
        var from = order.State;
        if (to == OrderState.ClarificationRequested)
        {
            order.PausedAt = now;
        }
        else if (from == OrderState.ClarificationRequested && order.PausedAt is { } paused)
        {
            // The deadline does not run while the authority is asked to clarify.
            if (order.DueAt is { } due && now > paused)
            {
                order.DueAt = due + (now - paused);
            }
            order.PausedAt = null;
        }
        order.State = to;
        order.UpdatedAt = now;
        return new OrderTransition { OrderId = order.Id, From = from, To = to, Actor = actor, Reason = reason, At = now };
    }

    /// <summary>The ledger event of one transition of order <paramref name="orderId"/>.</summary>
    public static LedgerEvent TransitionEvent(OrderTransition transition, string role, long orderId)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return Event(transition.Actor, role, "order." + ToSnake(transition.To), orderId, $"{transition.From} -> {transition.To}: {transition.Reason}");
    }

    /// <summary>A ledger event about an order (names and reason cut to the ledger's limits).</summary>
    public static LedgerEvent Event(string actor, string role, string action, long orderId, string reason) =>
        new(Cut(actor, LedgerEvent.MaxNameLength), Cut(role, LedgerEvent.MaxNameLength), action,
            new LedgerSubject(SubjectType, orderId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Cut(reason, LedgerEvent.MaxReasonLength));

    private static string ToSnake(OrderState s) => s switch
    {
        OrderState.UnderReview => "under_review",
        OrderState.ClarificationRequested => "clarification_requested",
        OrderState.PartiallyApproved => "partially_approved",
        _ => s.ToString().ToLowerInvariant(),
    };

    private static string Cut(string s, int max)
    {
        s = string.IsNullOrEmpty(s) ? "(empty)" : s;
        if (s.Length <= max)
        {
            return s;
        }
        return char.IsHighSurrogate(s[max - 1]) ? s[..(max - 1)] : s[..max];
    }
}
