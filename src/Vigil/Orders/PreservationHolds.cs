using Vigil.Authorities;

namespace Vigil.Orders;

/// <summary>Places the preservation holds an order makes on receipt (e-Evidence EPOC and EPOC-PR, emergency requests).</summary>
public static class PreservationHolds
{
    /// <summary>How long a hold lasts when the instrument names no period.</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(60);

    /// <summary>
    /// The holds (not stored) an order places on receipt: one per selector x category x time range of
    /// <paramref name="order"/>'s tasks, expiring after <see cref="InstrumentRules.PreservationPeriod"/> or
    /// <see cref="DefaultPeriod"/>; none for instruments that do not preserve on receipt. The order must already have its id.
    /// </summary>
    public static IReadOnlyList<PreservationHold> ForOrder(LegalOrder order, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        var rules = InstrumentRules.For(order.Instrument);
        if (!rules.PreservesOnReceipt)
        {
            return [];
        }
        if (order.Id == 0)
        {
            throw new InvalidOperationException("save the order before placing its holds");
        }
        var expires = now + (rules.PreservationPeriod ?? DefaultPeriod);
        var holds = new List<PreservationHold>();
        var seen = new HashSet<(SelectorKind, string, int?, DataCategory?, DateTimeOffset?, DateTimeOffset?)>();
        foreach (var task in order.Tasks)
        {
            foreach (var s in task.Selectors)
            {
                // Two tasks asking for the same thing need one hold, not two.
                if (!seen.Add((s.Kind, s.Value, s.Port, task.Category, task.StartTime, task.EndTime)))
                {
                    continue;
                }
                holds.Add(new PreservationHold
                {
                    AuthorityId = order.AuthorityId,
                    OrderId = order.Id,
                    SelectorKind = s.Kind,
                    SelectorValue = s.Value,
                    Port = s.Port,
                    Category = task.Category,
                    DataFrom = task.StartTime,
                    DataTo = task.EndTime,
                    HeldAt = now,
                    ExpiresAt = expires,
                });
            }
        }
        return holds;
    }
}
