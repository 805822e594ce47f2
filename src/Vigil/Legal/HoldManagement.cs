using System.Data;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Storage;

namespace Vigil.Legal;

/// <summary>How a hold stands at a moment, for the order page.</summary>
public enum HoldStatus
{
    Active,
    Expired,
    Released,
}

/// <summary>
/// Legal officers' management of preservation holds from the order page: place one by hand, extend it once by
/// <see cref="InstrumentRules.PreservationExtension"/>, release it. Holds placed on receipt come from
/// <c>PreservationHolds.ForOrder</c>; the retention purge respects both. Every step is written to the ledger.
/// </summary>
public sealed class HoldManagement(VigilDb db, LedgerLog ledger, TimeProvider time)
{
    public const string SubjectType = "preservation_hold";

    /// <summary>Period of a hand-placed hold when the order's instrument sets none (as a US 2703(f) letter: 90 days).</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(90);

    public static HoldStatus StatusOf(PreservationHold hold, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(hold);
        return hold.ReleasedAt is not null ? HoldStatus.Released : now >= hold.ExpiresAt ? HoldStatus.Expired : HoldStatus.Active;
    }

    /// <summary>Places a hold for order <paramref name="orderId"/> on one selector (records the purge must keep).</summary>
    public async Task<PreservationHold> PlaceAsync(long orderId, SelectorKind kind, string? value, DataCategory? category,
        DateTimeOffset? dataFrom, DateTimeOffset? dataTo, LegalActor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = time.GetUtcNow();
        try
        {
            RequireOfficer(actor);
            var order = await db.LegalOrders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, ct)
                ?? throw new LegalDeskException(StatusCodes.Status404NotFound, "not_found", $"order {orderId} not found");
            if (!Enum.IsDefined(kind) || kind is SelectorKind.ItemId or SelectorKind.Url)
            {
                throw new LegalDeskException(StatusCodes.Status400BadRequest, "selector_kind", "selector_kind: AccountId, Username, EmailAddress, PhoneNumber or IpAddress");
            }
            var normalised = Selectors.Normalise(kind, value, out var error)
                ?? throw new LegalDeskException(StatusCodes.Status400BadRequest, "selector_value", "selector_value: " + error);
            if (dataFrom is { } f && dataTo is { } t && t <= f)
            {
                throw new LegalDeskException(StatusCodes.Status400BadRequest, "data_to", "data_to: must be after data_from");
            }
            var period = InstrumentRules.For(order.Instrument).PreservationPeriod ?? DefaultPeriod;
            var hold = new PreservationHold
            {
                AuthorityId = order.AuthorityId,
                OrderId = order.Id,
                SelectorKind = kind,
                SelectorValue = normalised,
                Category = category,
                DataFrom = dataFrom,
                DataTo = dataTo,
                HeldAt = now,
                ExpiresAt = now + period,
            };
            db.PreservationHolds.Add(hold);
            await db.SaveChangesAsync(ct);
            await ledger.AppendAsync(Event(actor, "hold.placed", hold,
                $"order {order.Id}: {kind} {(category?.ToString() ?? "all categories")} held until {hold.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm}Z"), ct);
            return hold;
        }
        catch (LegalDeskException e)
        {
            await RefusedAsync(actor, "place", orderId.ToString(CultureInfo.InvariantCulture), e, ct);
            throw;
        }
    }

    /// <summary>Extends an active hold once by 30 days.</summary>
    public Task<PreservationHold> ExtendAsync(long holdId, LegalActor actor, CancellationToken ct) =>
        ChangeAsync(holdId, actor, "extend", (hold, now) =>
        {
            if (hold.Extensions > 0)
            {
                throw new LegalDeskException(StatusCodes.Status409Conflict, "already_extended", "a hold is extended once only");
            }
            hold.Extensions++;
            hold.ExpiresAt += InstrumentRules.PreservationExtension;
            return Event(actor, "hold.extended", hold, $"extended by 30 days to {hold.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm}Z");
        }, ct);

    /// <summary>Releases an active hold: the purge may delete the records again.</summary>
    public Task<PreservationHold> ReleaseAsync(long holdId, LegalActor actor, CancellationToken ct) =>
        ChangeAsync(holdId, actor, "release", (hold, now) =>
        {
            hold.ReleasedAt = now;
            hold.ReleasedBy = actor.User;
            return Event(actor, "hold.released", hold, "released by a legal officer");
        }, ct);

    private async Task<PreservationHold> ChangeAsync(long holdId, LegalActor actor, string what, Func<PreservationHold, DateTimeOffset, LedgerEvent> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = time.GetUtcNow();
        try
        {
            RequireOfficer(actor);
            await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
            var hold = await db.PreservationHolds.FirstOrDefaultAsync(h => h.Id == holdId, ct)
                ?? throw new LegalDeskException(StatusCodes.Status404NotFound, "not_found", $"hold {holdId} not found");
            switch (StatusOf(hold, now))
            {
                case HoldStatus.Released:
                    throw new LegalDeskException(StatusCodes.Status409Conflict, "released", "the hold was released");
                case HoldStatus.Expired:
                    throw new LegalDeskException(StatusCodes.Status409Conflict, "expired", "the hold has expired");
            }
            var e = change(hold, now);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            await ledger.AppendAsync(e, ct);
            return hold;
        }
        catch (LegalDeskException e)
        {
            db.ChangeTracker.Clear();
            await RefusedAsync(actor, what, holdId.ToString(CultureInfo.InvariantCulture), e, ct);
            throw;
        }
    }

    private static void RequireOfficer(LegalActor actor)
    {
        if (!actor.IsLegalOfficer)
        {
            throw new LegalDeskException(StatusCodes.Status403Forbidden, "role", "only a legal officer manages holds");
        }
    }

    private Task<long> RefusedAsync(LegalActor actor, string what, string subject, LegalDeskException e, CancellationToken ct) =>
        ledger.AppendAsync(new LedgerEvent(Cut(actor.User, LedgerEvent.MaxNameLength), Cut(actor.Role, LedgerEvent.MaxNameLength), "hold.refused",
            new LedgerSubject(what == "place" ? OrderLifecycle.SubjectType : SubjectType, subject), Cut($"{what} refused ({e.Code}): {e.Message}", LedgerEvent.MaxReasonLength)), ct);

    private static LedgerEvent Event(LegalActor actor, string action, PreservationHold hold, string reason) =>
        new(Cut(actor.User, LedgerEvent.MaxNameLength), Cut(actor.Role, LedgerEvent.MaxNameLength), action,
            new LedgerSubject(SubjectType, hold.Id.ToString(CultureInfo.InvariantCulture)), Cut(reason, LedgerEvent.MaxReasonLength));

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
