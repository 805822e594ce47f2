using System.Data;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Accounts;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Pipeline;
using Vigil.Storage;

namespace Vigil.Legal;

/// <summary>The outcome of an approval: the order's state and how many of the required approvals it has.</summary>
public sealed record ApprovalResult(OrderState State, int Approvals, int Required, IReadOnlyList<OrderRemoval> Removals);

/// <summary>
/// A legal officer's review of an order: clarification with the authority (the deadline pauses), per-task decisions,
/// approval (two distinct officers for orders that disclose), rejection with a ground, suspension, the emergency
/// callback, and the removals a TCO order asks for. Every change and every refusal is written to the ledger; state
/// changes only through <see cref="OrderLifecycle.Move"/>.
/// </summary>
public sealed class OrderReview(VigilDb db, LedgerLog ledger, TimeProvider time)
{
    public const int MaxMessageLength = 8000;
    public const int MaxReasonLength = 2000;
    public const string SystemActor = "vigil";

    /// <summary>Approvals an order needs: two distinct legal officers when it ends in a disclosure, one otherwise.</summary>
    public static int RequiredApprovals(LegalInstrument instrument) => InstrumentRules.For(instrument).Discloses ? 2 : 1;

    /// <summary>Emergency requests (EDR, or any order flagged emergency) are held until the callback is confirmed.</summary>
    public static bool IsEmergency(LegalOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.Emergency || order.Instrument == LegalInstrument.EmergencyDisclosureRequest;
    }

    /// <summary>Asks the authority to clarify; the order's deadline pauses until it answers.</summary>
    public Task RequestClarificationAsync(long orderId, LegalActor actor, string? text, CancellationToken ct) =>
        RunAsync(orderId, actor, "clarify", async (order, now, events) =>
        {
            var message = Text(text, "text", MaxMessageLength);
            RequireMove(order, OrderState.ClarificationRequested);
            db.OrderMessages.Add(new OrderMessage { OrderId = order.Id, FromAuthority = false, Author = actor.User, Text = message, At = now });
            events.Add(OrderLifecycle.Move(db, order, OrderState.ClarificationRequested, actor.User, actor.Role, "clarification requested", now) with { PayloadSha256 = Hash(message) });
            await Task.CompletedTask;
            return true;
        }, ct);

    /// <summary>
    /// Records the authority's answer: from the portal (<paramref name="portalAuthorityId"/> must own the order, else
    /// 404) or entered by a legal officer. An order waiting for clarification goes back to review and its clock resumes.
    /// </summary>
    public Task RecordAnswerAsync(long orderId, LegalActor actor, long? portalAuthorityId, string? text, CancellationToken ct) =>
        RunAsync(orderId, actor, "answer", async (order, now, events) =>
        {
            if (portalAuthorityId is { } aid && aid != order.AuthorityId)
            {
                // Another authority's order: as if it did not exist.
                throw new LegalDeskException(StatusCodes.Status404NotFound, "not_found", $"order {orderId} not found");
            }
            var message = Text(text, "text", MaxMessageLength);
            if (order.State == OrderState.Closed)
            {
                throw new LegalDeskException(StatusCodes.Status409Conflict, "invalid_state", "the order is closed");
            }
            db.OrderMessages.Add(new OrderMessage { OrderId = order.Id, FromAuthority = true, Author = actor.User, Text = message, At = now });
            events.Add(OrderLifecycle.Event(actor.User, actor.Role, "order.message_received", order.Id,
                portalAuthorityId is null ? "authority's answer recorded by a legal officer" : "authority answered through the portal") with { PayloadSha256 = Hash(message) });
            if (order.State == OrderState.ClarificationRequested)
            {
                events.Add(OrderLifecycle.Move(db, order, OrderState.UnderReview, actor.User, actor.Role, "authority answered the clarification request", now));
            }
            await Task.CompletedTask;
            return true;
        }, ct);

    /// <summary>
    /// Decides one task. Refusing needs a ground from <see cref="RejectionGrounds"/>. A change after a first approval
    /// withdraws the approvals given, since the officers approved a different answer.
    /// </summary>
    public Task DecideTaskAsync(long orderId, long taskId, TaskDecision decision, string? ground, LegalActor actor, CancellationToken ct) =>
        RunAsync(orderId, actor, "decide_task", async (order, now, events) =>
        {
            RequireOfficer(actor);
            if (order.State != OrderState.UnderReview)
            {
                throw new LegalDeskException(StatusCodes.Status409Conflict, "invalid_state", $"tasks are decided under review, not in {order.State}");
            }
            var task = order.Tasks.FirstOrDefault(t => t.Id == taskId)
                ?? throw new LegalDeskException(StatusCodes.Status404NotFound, "task", $"task {taskId} is not part of order {orderId}");
            if (decision == TaskDecision.Pending || !Enum.IsDefined(decision))
            {
                throw new LegalDeskException(StatusCodes.Status400BadRequest, "decision", "decision: Approved or Rejected");
            }
            if (decision == TaskDecision.Rejected)
            {
                ground = Ground(ground);
            }
            else
            {
                ground = null;
                if (order.Instrument == LegalInstrument.UkUsOverseasProductionOrder && await UsPersonSelectorAsync(task, ct) is { } match)
                {
                    Decide(order, task, TaskDecision.Rejected, "us_person", actor, $"selector {match} resolves to a US person", now, events);
                    throw new LegalDeskException(StatusCodes.Status409Conflict, "us_person",
                        $"task {task.Id}: selector {match} resolves to a US person; a UK-US order may not target one, the task is refused") { KeepChanges = true };
                }
            }
            Decide(order, task, decision, ground, actor, decision == TaskDecision.Approved ? "task approved" : "task refused", now, events);
            await WithdrawApprovalsAsync(order, actor, events, ct);
            return true;
        }, ct);

    /// <summary>
    /// Approves the order. Refused for one's own submission, twice by the same officer, for an emergency request whose
    /// callback is not confirmed, and for a UK–US order whose every task targets a US person. The last required
    /// approval moves it to Approved (every task approved) or PartiallyApproved; a TCO order's items are then removed
    /// and it moves to Removed.
    /// </summary>
    public Task<ApprovalResult> ApproveAsync(long orderId, LegalActor actor, CancellationToken ct) =>
        RunAsync(orderId, actor, "approve", async (order, now, events) =>
        {
            RequireOfficer(actor);
            RequireMove(order, OrderState.Approved);
            if (string.Equals(order.SubmittedBy, actor.User, StringComparison.Ordinal))
            {
                throw new LegalDeskException(StatusCodes.Status403Forbidden, "own_order", "nobody approves an order they submitted");
            }
            if (IsEmergency(order) && !order.EmergencyCallbackConfirmed)
            {
                throw new LegalDeskException(StatusCodes.Status409Conflict, "emergency_callback_pending",
                    "an emergency request is held until the out-of-band callback is recorded and confirmed by a second person");
            }
            var approvals = await db.OrderApprovals.Where(a => a.OrderId == order.Id).ToListAsync(ct);
            if (approvals.Any(a => string.Equals(a.Officer, actor.User, StringComparison.Ordinal)))
            {
                throw new LegalDeskException(StatusCodes.Status409Conflict, "already_approved", "you have already approved this order; a different legal officer must give the second approval");
            }
            var refusedUs = false;
            if (order.Instrument == LegalInstrument.UkUsOverseasProductionOrder)
            {
                foreach (var task in order.Tasks.Where(t => t.Decision != TaskDecision.Rejected))
                {
                    if (await UsPersonSelectorAsync(task, ct) is { } match)
                    {
                        Decide(order, task, TaskDecision.Rejected, "us_person", actor, $"selector {match} resolves to a US person", now, events);
                        refusedUs = true;
                    }
                }
            }
            if (order.Tasks.All(t => t.Decision == TaskDecision.Rejected))
            {
                throw refusedUs
                    ? new LegalDeskException(StatusCodes.Status409Conflict, "us_person", "every task targets a US person: a UK-US order may not; reject it with ground us_person") { KeepChanges = true }
                    : new LegalDeskException(StatusCodes.Status409Conflict, "no_task_approved", "every task is refused: reject the order instead");
            }
            var required = RequiredApprovals(order.Instrument);
            db.OrderApprovals.Add(new OrderApproval { OrderId = order.Id, Officer = actor.User, At = now });
            var count = approvals.Count + 1;
            if (count < required)
            {
                events.Add(OrderLifecycle.Event(actor.User, actor.Role, "order.approval_recorded", order.Id,
                    string.Create(CultureInfo.InvariantCulture, $"{count} of {required} approvals")));
                return new ApprovalResult(order.State, count, required, []);
            }
            foreach (var task in order.Tasks.Where(t => t.Decision == TaskDecision.Pending))
            {
                Decide(order, task, TaskDecision.Approved, null, actor, "approved with the order", now, events);
            }
            var removals = new List<OrderRemoval>();
            if (InstrumentRules.For(order.Instrument).Removes)
            {
                removals = await RemoveAsync(order, actor, now, events, ct);
                if (removals.All(r => r.Outcome == "not_found"))
                {
                    throw new LegalDeskException(StatusCodes.Status409Conflict, "no_item_found",
                        "no item named by the order was found; the outcome is shown on the order page: reject it with ground data_not_held") { KeepChanges = true };
                }
            }
            var complete = order.Tasks.All(t => t.Decision == TaskDecision.Approved) && removals.All(r => r.Outcome != "not_found");
            var target = complete ? OrderState.Approved : OrderState.PartiallyApproved;
            events.Add(OrderLifecycle.Move(db, order, target, actor.User, actor.Role,
                string.Create(CultureInfo.InvariantCulture, $"approved ({count} of {required} approvals)"), now));
            if (removals.Count > 0)
            {
                var removed = removals.Count(r => r.Outcome != "not_found");
                events.Add(OrderLifecycle.Move(db, order, OrderState.Removed, actor.User, actor.Role,
                    string.Create(CultureInfo.InvariantCulture, $"{removed} item(s) removed, {removals.Count - removed} selector(s) matched no item"), now));
            }
            return new ApprovalResult(order.State, count, required, removals);
        }, ct);

    /// <summary>Rejects the order with a ground from <see cref="RejectionGrounds"/> (required) and an optional explanation.</summary>
    public Task RejectAsync(long orderId, string? ground, string? reason, LegalActor actor, CancellationToken ct) =>
        RunAsync(orderId, actor, "reject", async (order, now, events) =>
        {
            RequireOfficer(actor);
            var g = Ground(ground);
            var why = string.IsNullOrWhiteSpace(reason) ? "" : ": " + Text(reason, "reason", MaxReasonLength);
            RequireMove(order, OrderState.Rejected);
            order.RejectionGround = g;
            events.Add(OrderLifecycle.Move(db, order, OrderState.Rejected, actor.User, actor.Role, "rejected, ground " + g + why, now));
            await Task.CompletedTask;
            return true;
        }, ct);

    /// <summary>Suspends the order (e.g. a legal challenge); <see cref="ResumeAsync"/> returns it to review.</summary>
    public Task SuspendAsync(long orderId, string? reason, LegalActor actor, CancellationToken ct) =>
        SimpleMoveAsync(orderId, OrderState.Suspended, "suspend", reason, actor, ct);

    /// <summary>Returns a suspended order to review.</summary>
    public Task ResumeAsync(long orderId, string? reason, LegalActor actor, CancellationToken ct) =>
        SimpleMoveAsync(orderId, OrderState.UnderReview, "resume", reason, actor, ct);

    private Task<bool> SimpleMoveAsync(long orderId, OrderState to, string what, string? reason, LegalActor actor, CancellationToken ct) =>
        RunAsync(orderId, actor, what, async (order, now, events) =>
        {
            RequireOfficer(actor);
            var why = Text(reason, "reason", MaxReasonLength);
            if (to == OrderState.UnderReview && order.State != OrderState.Suspended)
            {
                throw new LegalDeskException(StatusCodes.Status409Conflict, "invalid_state", $"only a suspended order is resumed, not one in {order.State}");
            }
            RequireMove(order, to);
            events.Add(OrderLifecycle.Move(db, order, to, actor.User, actor.Role, what + ": " + why, now));
            await Task.CompletedTask;
            return true;
        }, ct);

    /// <summary>Records the out-of-band callback of an emergency request to one of the authority's registered numbers.</summary>
    public Task RecordCallbackAsync(long orderId, string? number, LegalActor actor, CancellationToken ct) =>
        RunAsync(orderId, actor, "callback", async (order, now, events) =>
        {
            RequireOfficer(actor);
            RequireEmergency(order);
            if (order.CallbackRecordedAt is not null)
            {
                throw new LegalDeskException(StatusCodes.Status409Conflict, "callback_already_recorded", $"the callback was already recorded by {order.CallbackRecordedBy}");
            }
            var e164 = Selectors.Normalise(SelectorKind.PhoneNumber, number, out var error)
                ?? throw new LegalDeskException(StatusCodes.Status400BadRequest, "number", "number: " + error);
            var registered = order.Authority!.CallbackNumbers.Select(n => Selectors.Normalise(SelectorKind.PhoneNumber, n, out _)).ToList();
            if (!registered.Contains(e164, StringComparer.Ordinal))
            {
                throw new LegalDeskException(StatusCodes.Status400BadRequest, "callback_number_not_registered",
                    $"number: {e164} is not one of {order.Authority.Code}'s registered callback numbers");
            }
            order.CallbackRecordedAt = now;
            order.CallbackRecordedBy = actor.User;
            order.CallbackNumber = e164;
            order.UpdatedAt = now;
            events.Add(OrderLifecycle.Event(actor.User, actor.Role, "order.callback_recorded", order.Id, "out-of-band callback to registered number " + e164));
            await Task.CompletedTask;
            return true;
        }, ct);

    /// <summary>The supervisor (a trust-and-safety lead or another legal officer) confirms the recorded callback.</summary>
    public Task ConfirmCallbackAsync(long orderId, LegalActor actor, CancellationToken ct) =>
        RunAsync(orderId, actor, "callback_confirm", async (order, now, events) =>
        {
            if (!actor.IsLegalOfficer && !actor.HasRole(StaffRoles.TrustAndSafetyLead))
            {
                throw new LegalDeskException(StatusCodes.Status403Forbidden, "role", "a trust-and-safety lead or a legal officer confirms the callback");
            }
            RequireEmergency(order);
            if (order.CallbackRecordedAt is null)
            {
                throw new LegalDeskException(StatusCodes.Status409Conflict, "callback_not_recorded", "record the callback before it is confirmed");
            }
            if (order.CallbackConfirmedAt is not null)
            {
                throw new LegalDeskException(StatusCodes.Status409Conflict, "callback_already_confirmed", $"already confirmed by {order.CallbackConfirmedBy}");
            }
            if (string.Equals(order.CallbackRecordedBy, actor.User, StringComparison.Ordinal))
            {
                throw new LegalDeskException(StatusCodes.Status403Forbidden, "same_person", "the person who recorded the callback cannot confirm it");
            }
            order.CallbackConfirmedAt = now;
            order.CallbackConfirmedBy = actor.User;
            order.UpdatedAt = now;
            events.Add(OrderLifecycle.Event(actor.User, actor.Role, "order.callback_confirmed", order.Id, "callback to " + order.CallbackNumber + " confirmed"));
            await Task.CompletedTask;
            return true;
        }, ct);

    /// <summary>The selector of <paramref name="task"/> that resolves to a subscriber record of a US person, if any.</summary>
    public async Task<string?> UsPersonSelectorAsync(OrderTask task, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(task);
        foreach (var s in task.Selectors)
        {
            var v = Selectors.Normalise(s.Kind, s.Value, out _) ?? s.Value;
            var q = db.SubscriberRecords.AsNoTracking().Where(r => r.UsPerson);
            q = s.Kind switch
            {
                SelectorKind.AccountId => q.Where(r => r.AccountId == v),
                SelectorKind.Username => q.Where(r => r.Username == v),
                SelectorKind.EmailAddress => q.Where(r => r.Email == v),
                SelectorKind.PhoneNumber => q.Where(r => r.Phone == v),
                _ => q.Where(_ => false),
            };
            if (await q.AnyAsync(ct))
            {
                // Named by kind and row id: the ledger gets no personal identifiers.
                return string.Create(CultureInfo.InvariantCulture, $"{s.Kind} #{s.Id}");
            }
        }
        return null;
    }

    private async Task<List<OrderRemoval>> RemoveAsync(LegalOrder order, LegalActor actor, DateTimeOffset now, List<LedgerEvent> events, CancellationToken ct)
    {
        var outcomes = new List<OrderRemoval>();
        var rule = "order:" + order.Id.ToString(CultureInfo.InvariantCulture);
        var reason = $"{InstrumentRules.For(order.Instrument).Code} removal order {order.Reference} from {order.Authority!.Code}";
        foreach (var task in order.Tasks.Where(t => t.Decision == TaskDecision.Approved && t.Kind == TaskKind.Removal))
        {
            var found = 0;
            foreach (var s in task.Selectors)
            {
                var items = await ContentRemoval.FindAsync(db, s.Kind, s.Value, ct);
                if (items.Count == 0)
                {
                    outcomes.Add(new OrderRemoval { OrderId = order.Id, TaskId = task.Id, SelectorKind = s.Kind, SelectorValue = s.Value, Outcome = "not_found", At = now });
                    events.Add(OrderLifecycle.Event(actor.User, actor.Role, "order.removal_not_found", order.Id, string.Create(CultureInfo.InvariantCulture, $"no item matches {s.Kind} selector #{s.Id}")));
                    continue;
                }
                foreach (var item in items)
                {
                    var (outcome, e) = await ContentRemoval.RemoveAsync(db, item, order.Id, rule, reason, actor.User, actor.Role, now, ct);
                    events.Add(e);
                    found++;
                    outcomes.Add(new OrderRemoval
                    {
                        OrderId = order.Id, TaskId = task.Id, SelectorKind = s.Kind, SelectorValue = s.Value, IngestItemId = item.Id, PlatformId = item.PlatformId,
                        ItemId = item.ItemId, Outcome = outcome == RemovalOutcome.Removed ? "removed" : "already_removed", At = now,
                    });
                }
            }
            if (found == 0)
            {
                Decide(order, task, TaskDecision.Rejected, "data_not_held", actor, "no item named by the task was found", now, events);
            }
        }
        db.OrderRemovals.AddRange(outcomes);
        return outcomes;
    }

    private void Decide(LegalOrder order, OrderTask task, TaskDecision decision, string? ground, LegalActor actor, string reason, DateTimeOffset now, List<LedgerEvent> events)
    {
        task.Decision = decision;
        db.OrderTaskDecisions.Add(new OrderTaskDecision { OrderId = order.Id, TaskId = task.Id, Decision = decision, Ground = ground, Officer = actor.User, Reason = reason, At = now });
        events.Add(OrderLifecycle.Event(actor.User, actor.Role, decision == TaskDecision.Approved ? "order.task_approved" : "order.task_refused", order.Id,
            string.Create(CultureInfo.InvariantCulture, $"task {task.Id}{(ground is null ? "" : ", ground " + ground)}: {reason}")));
    }

    private async Task WithdrawApprovalsAsync(LegalOrder order, LegalActor actor, List<LedgerEvent> events, CancellationToken ct)
    {
        var given = await db.OrderApprovals.Where(a => a.OrderId == order.Id).ToListAsync(ct);
        if (given.Count > 0)
        {
            db.OrderApprovals.RemoveRange(given);
            events.Add(OrderLifecycle.Event(actor.User, actor.Role, "order.approvals_withdrawn", order.Id,
                string.Create(CultureInfo.InvariantCulture, $"{given.Count} approval(s) withdrawn: a task decision changed after approval")));
        }
    }

    private static void RequireOfficer(LegalActor actor)
    {
        if (!actor.IsLegalOfficer)
        {
            throw new LegalDeskException(StatusCodes.Status403Forbidden, "role", "only a legal officer decides orders");
        }
    }

    private static void RequireEmergency(LegalOrder order)
    {
        if (!IsEmergency(order))
        {
            throw new LegalDeskException(StatusCodes.Status409Conflict, "not_emergency", "only emergency requests need a callback");
        }
    }

    private static void RequireMove(LegalOrder order, OrderState to)
    {
        if (!OrderLifecycle.CanMove(order.State, to))
        {
            throw new LegalDeskException(StatusCodes.Status409Conflict, "invalid_state", $"an order in {order.State} cannot move to {to}");
        }
    }

    private static string Ground(string? ground)
    {
        var g = ground?.Trim() ?? "";
        if (g.Length == 0)
        {
            throw new LegalDeskException(StatusCodes.Status400BadRequest, "ground", "ground: required, one of " + string.Join(", ", RejectionGrounds.All));
        }
        if (!RejectionGrounds.IsKnown(g))
        {
            throw new LegalDeskException(StatusCodes.Status400BadRequest, "ground", $"ground: '{g}' is not one of " + string.Join(", ", RejectionGrounds.All));
        }
        return g;
    }

    private static string Text(string? text, string field, int max)
    {
        var t = text?.Trim() ?? "";
        if (t.Length == 0)
        {
            throw new LegalDeskException(StatusCodes.Status400BadRequest, field, field + ": required");
        }
        if (t.Length > max)
        {
            throw new LegalDeskException(StatusCodes.Status400BadRequest, field, string.Create(CultureInfo.InvariantCulture, $"{field}: at most {max} characters"));
        }
        return t;
    }

    private static bool IsConflict(Exception e) =>
        e is DbUpdateException || e is Npgsql.PostgresException { SqlState: "40001" } || e.InnerException is Npgsql.PostgresException { SqlState: "40001" };

    /// <summary>Messages are named in the ledger by hash, never by their text.</summary>
    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Loads the order in a serializable transaction, runs <paramref name="work"/>, saves, commits and appends the
    /// ledger events; a refusal rolls back (unless it keeps its changes) and is itself written to the ledger.
    /// </summary>
    private async Task<T> RunAsync<T>(long orderId, LegalActor actor, string what, Func<LegalOrder, DateTimeOffset, List<LedgerEvent>, Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = time.GetUtcNow();
        var events = new List<LedgerEvent>();
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        try
        {
            var order = await db.LegalOrders.Include(o => o.Authority).Include(o => o.Tasks).ThenInclude(t => t.Selectors)
                .AsSplitQuery().FirstOrDefaultAsync(o => o.Id == orderId, ct)
                ?? throw new LegalDeskException(StatusCodes.Status404NotFound, "not_found", $"order {orderId} not found");
            order.Tasks.Sort((a, b) => a.Id.CompareTo(b.Id));
            var result = await work(order, now, events);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            await ledger.AppendBatchAsync(events, ct);
            return result;
        }
        catch (LegalDeskException e)
        {
            if (e.KeepChanges)
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            else
            {
                await tx.RollbackAsync(ct);
                events.Clear();
            }
            db.ChangeTracker.Clear();
            events.Add(OrderLifecycle.Event(actor.User, actor.Role, "order.refused", orderId, $"{what} refused ({e.Code}): {e.Message}"));
            await ledger.AppendBatchAsync(events, ct);
            throw;
        }
        catch (Exception e) when (IsConflict(e))
        {
            // Two officers acting at once: the second sees the first's change and may try again.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            await ledger.AppendAsync(OrderLifecycle.Event(actor.User, actor.Role, "order.refused", orderId, $"{what} refused (concurrent_change)"), ct);
            throw new LegalDeskException(StatusCodes.Status409Conflict, "concurrent_change", "the order changed meanwhile; reload the page and try again", e);
        }
    }
}
