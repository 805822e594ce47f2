using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Vigil.Authorities;
using Vigil.Orders;
using Vigil.Server;

namespace Vigil.Legal;

/// <summary>The legal desk's server-rendered pages; every value from the database or the request is HTML-encoded.</summary>
internal static class LegalPages
{
    public sealed record AlertRow(OrderAlert Alert, string Reference);

    public sealed record DocumentRow(long Id, string Reference, string DocumentType, string ContentType, string Sha256, int Length);

    public sealed record OrderView(LegalOrder Order, IReadOnlyList<OrderError> Validation, IReadOnlyList<DocumentRow> Documents,
        IReadOnlyList<OrderApproval> Approvals, IReadOnlyList<OrderTaskDecision> TaskDecisions, IReadOnlyList<OrderMessage> Messages,
        IReadOnlyList<PreservationHold> Holds, IReadOnlyList<OrderAlert> Alerts, IReadOnlyList<OrderRemoval> Removals, LegalActor Actor, DateTimeOffset Now);

    private static string E(string? s) => Html.Encode(s ?? "");

    private static string I(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private const string Nav = "<nav><a href=\"/legal\">Orders</a><a href=\"/\">Account</a></nav>";

    public static IResult Message(string title, string message, int status) =>
        Html.Page(title, $"{Nav}<h1>{E(title)}</h1><p>{E(message)}</p>", status);

    /// <summary>"3 h 20 min left", "overdue by 2 d 4 h".</summary>
    public static string Span(TimeSpan t)
    {
        var a = t.Duration();
        var s = a.TotalDays >= 1 ? $"{(int)a.TotalDays} d {a.Hours} h" : a.TotalHours >= 1 ? $"{(int)a.TotalHours} h {a.Minutes} min" : $"{a.Minutes} min";
        return t < TimeSpan.Zero ? "overdue by " + s : s + " left";
    }

    private static string Badge(DeadlineStatus s) => s switch
    {
        DeadlineStatus.Overdue => "<span class=\"badge overdue\">overdue</span>",
        DeadlineStatus.DueSoon => "<span class=\"badge due-soon\">due soon</span>",
        DeadlineStatus.Paused => "<span class=\"badge paused\">paused</span>",
        _ => "",
    };

    private static string Due(LegalOrder o, DateTimeOffset now)
    {
        var status = OrderDeadlines.StatusOf(o, now);
        if (o.DueAt is not { } due)
        {
            return "no deadline";
        }
        var left = OrderDeadlines.Remaining(o, now)!.Value;
        return status switch
        {
            DeadlineStatus.Paused => $"{E(T(due))} {Badge(status)} (clock stopped, {E(Span(left))})",
            DeadlineStatus.Finished => E(T(due)),
            _ => $"{E(T(due))} {Badge(status)} ({E(Span(left))})",
        };
    }

    private static string Options(IEnumerable<(string Value, string Label)> options, string? selected) =>
        string.Concat(options.Select(o => $"<option value=\"{E(o.Value)}\"{(o.Value == selected ? " selected" : "")}>{E(o.Label)}</option>"));

    public static IResult Inbox(IReadOnlyList<LegalOrder> orders, IReadOnlyDictionary<long, int> approvals, IReadOnlyList<AlertRow> alerts,
        OrderState? state, string? instrument, DateTimeOffset now)
    {
        var b = new StringBuilder();
        b.Append(Nav).Append("<h1>Lawful orders</h1>");
        b.Append("<h2>Open alerts</h2>");
        if (alerts.Count == 0)
        {
            b.Append("<p id=\"alerts-none\">No open deadline alerts.</p>");
        }
        else
        {
            b.Append("<ul id=\"alerts\">");
            foreach (var a in alerts)
            {
                var kind = a.Alert.Kind == OrderAlertKind.Overdue ? "overdue" : "due soon";
                b.Append($"<li class=\"{(a.Alert.Kind == OrderAlertKind.Overdue ? "overdue" : "due-soon")}\"><a href=\"/legal/orders/{I(a.Alert.OrderId)}\">{E(a.Reference)}</a>: {kind} (due {E(T(a.Alert.DueAt))}, raised {E(T(a.Alert.RaisedAt))})</li>");
            }
            b.Append("</ul>");
        }
        b.Append($"""
            <form method="get" action="/legal" id="filters">
              <label>State <select name="state"><option value="">open</option>{Options(Enum.GetNames<OrderState>().Select(s => (s, s)), state?.ToString())}</select></label>
              <label>Instrument <select name="instrument"><option value="">any</option>{Options(InstrumentRules.All.Select(r => (r.Code, r.Code + " · " + r.Title)), instrument)}</select></label>
              <button type="submit">Filter</button>
            </form>
            """);
        b.Append($"<p>{I(orders.Count)} order(s), overdue first, then due soonest.</p>");
        b.Append("<table id=\"orders\"><thead><tr><th>Order</th><th>Authority</th><th>Instrument</th><th>Reference</th><th>State</th><th>Approvals</th><th>Received</th><th>Due</th></tr></thead><tbody>");
        foreach (var o in orders)
        {
            var rules = InstrumentRules.For(o.Instrument);
            var status = OrderDeadlines.StatusOf(o, now);
            var cls = status switch { DeadlineStatus.Overdue => "overdue", DeadlineStatus.DueSoon => "due-soon", DeadlineStatus.Paused => "paused", _ => "" };
            b.Append($"<tr class=\"{cls}\" data-order=\"{I(o.Id)}\"><td><a href=\"/legal/orders/{I(o.Id)}\">#{I(o.Id)}</a>{(OrderReview.IsEmergency(o) ? " <span class=\"badge overdue\">emergency</span>" : "")}</td>"
                + $"<td>{E(o.Authority?.Name)}</td><td>{E(rules.Code)}</td><td>{E(o.Reference)}</td><td>{E(o.State.ToString())}</td>"
                + $"<td>{I(approvals.GetValueOrDefault(o.Id))} of {I(OrderReview.RequiredApprovals(o.Instrument))}</td><td>{E(T(o.ReceivedAt))}</td><td>{Due(o, now)}</td></tr>");
        }
        b.Append("</tbody></table>");
        return Html.Page("Lawful orders", b.ToString());
    }

    private static string Form(AntiforgeryTokenSet tokens, string id, string action, string inner, string button) =>
        $"<form method=\"post\" action=\"{E(action)}\" id=\"{E(id)}\">{Html.Token(tokens)}{inner}<button type=\"submit\">{E(button)}</button></form>";

    public static IResult Order(AntiforgeryTokenSet tokens, OrderView v, string? error, int status)
    {
        var o = v.Order;
        var rules = InstrumentRules.For(o.Instrument);
        var now = v.Now;
        var officer = v.Actor.IsLegalOfficer;
        var baseUrl = "/legal/orders/" + I(o.Id);
        var required = OrderReview.RequiredApprovals(o.Instrument);
        var b = new StringBuilder();
        b.Append(Nav).Append($"<h1>Order #{I(o.Id)} <small>{E(rules.Code)} · {E(o.Reference)}</small></h1>").Append(Html.Error(error));
        b.Append($"""
            <dl class="facts">
              <dt>State</dt><dd id="order-state">{E(o.State.ToString())}</dd>
              <dt>Authority</dt><dd>{E(o.Authority?.Name)} (<code>{E(o.Authority?.Code)}</code>, {E(o.Authority?.CountryCode)})</dd>
              <dt>Instrument</dt><dd>{E(rules.Title)} ({E(rules.Code)})</dd>
              <dt>Reference</dt><dd>{E(o.Reference)}</dd>
              <dt>Emergency</dt><dd id="emergency">{(OrderReview.IsEmergency(o) ? "yes" : "no")}</dd>
              <dt>Channel</dt><dd>{E(o.Channel.ToString())}, submitted by <code>{E(o.SubmittedBy)}</code></dd>
              <dt>Received</dt><dd>{E(T(o.ReceivedAt))}</dd>
              <dt>Due</dt><dd id="due">{Due(o, now)}</dd>
              {(o.AuthorisedFrom is not null || o.AuthorisedTo is not null ? $"<dt>Authorised</dt><dd>{(o.AuthorisedFrom is { } af ? E(T(af)) : "")} to {(o.AuthorisedTo is { } at ? E(T(at)) : "")}</dd>" : "")}
              {(o.RejectionGround is { } g ? $"<dt>Rejection ground</dt><dd id=\"ground\">{E(g)}</dd>" : "")}
              {(o.UserNoticeNotBefore is { } un ? $"<dt>User notice not before</dt><dd>{E(T(un))}</dd>" : "")}
            </dl>
            <p><a href="{baseUrl}/preview" id="preview-link">Disclosure preview</a></p>
            """);

        b.Append("<h2>Validation</h2>");
        if (v.Validation.Count == 0)
        {
            b.Append("<p id=\"validation\" class=\"ok\">ok: the order passes validation</p>");
        }
        else
        {
            b.Append("<ul id=\"validation\">");
            foreach (var e in v.Validation)
            {
                b.Append($"<li><code>{E(e.Field)}</code> {E(e.Code)}: {E(e.Message)}</li>");
            }
            b.Append("</ul>");
        }

        b.Append("<h2>Documents</h2><table id=\"documents\"><thead><tr><th>Reference</th><th>Type</th><th>Content type</th><th>Size</th><th>SHA-256</th></tr></thead><tbody>");
        foreach (var d in v.Documents)
        {
            b.Append($"<tr><td><a href=\"{baseUrl}/documents/{I(d.Id)}\">{E(d.Reference)}</a></td><td>{E(d.DocumentType)}</td><td>{E(d.ContentType)}</td><td>{I(d.Length)} bytes</td><td><code>{E(d.Sha256)}</code></td></tr>");
        }
        b.Append("</tbody></table>");

        var underReview = o.State == OrderState.UnderReview && officer;
        b.Append("<h2>Tasks</h2><table id=\"tasks\"><thead><tr><th>Task</th><th>Kind</th><th>Category</th><th>Time range</th><th>Selectors</th><th>Decision</th></tr></thead><tbody>");
        foreach (var t in o.Tasks)
        {
            var last = v.TaskDecisions.LastOrDefault(d => d.TaskId == t.Id);
            var sel = string.Join("<br>", t.Selectors.Select(s => $"{E(s.Kind.ToString())}: <code>{E(s.Value)}</code>{(s.Port is { } p ? ":" + I(p) : "")}"));
            var range = t.StartTime is { } st && t.EndTime is { } en ? $"{E(T(st))} to {E(T(en))}" : "";
            var decision = $"<span class=\"decision\">{E(t.Decision.ToString())}</span>{(last?.Ground is { } lg ? $" (ground <code class=\"task-ground\">{E(lg)}</code>)" : "")}{(last is not null ? $" by {E(last.Officer)}" : "")}";
            if (underReview)
            {
                decision += Form(tokens, $"task-{I(t.Id)}-approve", $"{baseUrl}/tasks/{I(t.Id)}/decide", "<input type=\"hidden\" name=\"decision\" value=\"Approved\">", "Approve task")
                    + Form(tokens, $"task-{I(t.Id)}-reject", $"{baseUrl}/tasks/{I(t.Id)}/decide",
                        $"<input type=\"hidden\" name=\"decision\" value=\"Rejected\"><select name=\"ground\">{Options(RejectionGrounds.All.Select(x => (x, x)), null)}</select>", "Refuse task");
            }
            b.Append($"<tr id=\"task-{I(t.Id)}\"><td>{E(t.Reference ?? "#" + I(t.Id))}</td><td>{E(t.Kind.ToString())}</td><td>{E(t.Category?.ToString())}</td><td>{range}</td><td>{sel}</td><td>{decision}</td></tr>");
        }
        b.Append("</tbody></table>");

        if (v.Removals.Count > 0)
        {
            b.Append("<h2>Removals</h2><table id=\"removals\"><thead><tr><th>Selector</th><th>Outcome</th><th>Item</th><th>At</th></tr></thead><tbody>");
            foreach (var r in v.Removals)
            {
                b.Append($"<tr class=\"{(r.Outcome == "not_found" ? "overdue" : "")}\"><td>{E(r.SelectorKind.ToString())}: <code>{E(r.SelectorValue)}</code></td><td class=\"removal-outcome\">{E(r.Outcome.Replace('_', ' '))}</td>"
                    + $"<td>{(r.ItemId is { } item ? $"<code>{E(item)}</code> (platform {I(r.PlatformId ?? 0)})" : "")}</td><td>{E(T(r.At))}</td></tr>");
            }
            b.Append("</tbody></table>");
        }

        b.Append($"<h2>Approvals</h2><p id=\"approvals\">{I(v.Approvals.Count)} of {I(required)} approvals</p>");
        if (v.Approvals.Count > 0)
        {
            b.Append("<ul id=\"approvers\">");
            foreach (var a in v.Approvals)
            {
                b.Append($"<li>{E(a.Officer)} at {E(T(a.At))}</li>");
            }
            b.Append("</ul>");
        }

        if (OrderReview.IsEmergency(o))
        {
            b.Append("<h2>Emergency callback</h2><ol id=\"callback\">");
            b.Append(o.CallbackRecordedAt is { } cr
                ? $"<li id=\"callback-recorded\">Callback to <code>{E(o.CallbackNumber)}</code> recorded by {E(o.CallbackRecordedBy)} at {E(T(cr))}</li>"
                : "<li>Callback not recorded yet.</li>");
            b.Append(o.CallbackConfirmedAt is { } cc
                ? $"<li id=\"callback-confirmed\">Confirmed by {E(o.CallbackConfirmedBy)} at {E(T(cc))}</li>"
                : "<li>Not confirmed yet: approval is held.</li>");
            b.Append("</ol>");
            if (o.CallbackRecordedAt is null && officer)
            {
                var numbers = o.Authority?.CallbackNumbers ?? [];
                b.Append(Form(tokens, "record-callback", $"{baseUrl}/callback",
                    $"<label>Registered number called <select name=\"number\">{Options(numbers.Select(n => (n, n)), null)}</select></label>", "Record callback"));
            }
            else if (o.CallbackRecordedAt is not null && o.CallbackConfirmedAt is null && o.CallbackRecordedBy != v.Actor.User)
            {
                b.Append(Form(tokens, "confirm-callback", $"{baseUrl}/callback/confirm", "", "Confirm callback (supervisor)"));
            }
        }

        b.Append("<h2>Clarification</h2>");
        if (v.Messages.Count == 0)
        {
            b.Append("<p>No messages.</p>");
        }
        else
        {
            b.Append("<ol id=\"messages\">");
            foreach (var m in v.Messages)
            {
                b.Append($"<li class=\"{(m.FromAuthority ? "from-authority" : "from-staff")}\"><strong>{(m.FromAuthority ? "Authority" : "Platform")}</strong> ({E(m.Author)}, {E(T(m.At))}): {E(m.Text)}</li>");
            }
            b.Append("</ol>");
        }
        if (officer && o.State == OrderState.ClarificationRequested)
        {
            b.Append(Form(tokens, "answer", $"{baseUrl}/answer", "<label>Authority's answer (received out of band) <textarea name=\"text\" required></textarea></label>", "Record answer"));
        }

        if (officer)
        {
            b.Append("<h2>Decision</h2><div id=\"decisions\">");
            var next = OrderLifecycle.NextStates(o.State);
            if (next.Contains(OrderState.Approved))
            {
                var mine = v.Approvals.Any(a => a.Officer == v.Actor.User);
                var own = o.SubmittedBy == v.Actor.User;
                b.Append(mine ? "<p id=\"already-approved\">You have approved this order; a different legal officer gives the next approval.</p>"
                    : own ? "<p>You submitted this order and cannot approve it.</p>"
                    : Form(tokens, "approve", $"{baseUrl}/approve", "", rules.Removes ? "Approve and remove" : "Approve"));
            }
            if (next.Contains(OrderState.Rejected))
            {
                b.Append(Form(tokens, "reject", $"{baseUrl}/reject",
                    $"<label>Ground <select name=\"ground\" required><option value=\"\">choose</option>{Options(RejectionGrounds.All.Select(x => (x, x)), null)}</select></label><label>Explanation <input name=\"reason\"></label>", "Reject"));
            }
            if (next.Contains(OrderState.ClarificationRequested))
            {
                b.Append(Form(tokens, "clarify", $"{baseUrl}/clarify", "<label>Question to the authority <textarea name=\"text\" required></textarea></label>", "Request clarification"));
            }
            if (next.Contains(OrderState.Suspended))
            {
                b.Append(Form(tokens, "suspend", $"{baseUrl}/suspend", "<label>Reason <input name=\"reason\" required></label>", "Suspend"));
            }
            if (o.State == OrderState.Suspended)
            {
                b.Append(Form(tokens, "resume", $"{baseUrl}/resume", "<label>Reason <input name=\"reason\" required></label>", "Resume review"));
            }
            b.Append("</div>");
        }

        b.Append("<h2>Preservation holds</h2><table id=\"holds\"><thead><tr><th>Selector</th><th>Category</th><th>Data range</th><th>Held</th><th>Expires</th><th>Status</th><th></th></tr></thead><tbody>");
        foreach (var h in v.Holds)
        {
            var hs = HoldManagement.StatusOf(h, now);
            var actions = "";
            if (officer && hs == HoldStatus.Active)
            {
                actions = (h.Extensions == 0 ? Form(tokens, $"hold-{I(h.Id)}-extend", $"{baseUrl}/holds/{I(h.Id)}/extend", "", "Extend 30 days") : "")
                    + Form(tokens, $"hold-{I(h.Id)}-release", $"{baseUrl}/holds/{I(h.Id)}/release", "", "Release");
            }
            var statusText = hs switch
            {
                HoldStatus.Released => $"released by {E(h.ReleasedBy)} at {E(T(h.ReleasedAt!.Value))}",
                HoldStatus.Expired => "<span class=\"badge overdue\">expired</span>",
                _ => "active" + (h.Extensions > 0 ? " (extended)" : ""),
            };
            var range = h.DataFrom is not null || h.DataTo is not null ? $"{(h.DataFrom is { } f ? E(T(f)) : "")} to {(h.DataTo is { } t ? E(T(t)) : "")}" : "all";
            b.Append($"<tr id=\"hold-{I(h.Id)}\"><td>{E(h.SelectorKind.ToString())}: <code>{E(h.SelectorValue)}</code></td><td>{E(h.Category?.ToString() ?? "all")}</td><td>{range}</td>"
                + $"<td>{E(T(h.HeldAt))}</td><td>{E(T(h.ExpiresAt))}</td><td class=\"hold-status\">{statusText}</td><td>{actions}</td></tr>");
        }
        b.Append("</tbody></table>");
        if (officer)
        {
            var kinds = new[] { SelectorKind.AccountId, SelectorKind.Username, SelectorKind.EmailAddress, SelectorKind.PhoneNumber, SelectorKind.IpAddress };
            b.Append(Form(tokens, "place-hold", $"{baseUrl}/holds",
                $"<label>Selector <select name=\"selector_kind\">{Options(kinds.Select(k => (k.ToString(), k.ToString())), null)}</select></label>"
                + "<label>Value <input name=\"selector_value\" required></label>"
                + $"<label>Category <select name=\"category\"><option value=\"\">all</option>{Options(Enum.GetNames<DataCategory>().Select(c => (c, c)), null)}</select></label>"
                + "<label>Data from <input name=\"data_from\" placeholder=\"YYYY-MM-DD\"></label><label>Data to <input name=\"data_to\" placeholder=\"YYYY-MM-DD\"></label>",
                "Place hold"));
        }

        if (v.Alerts.Count > 0)
        {
            b.Append("<h2>Deadline alerts</h2><ul id=\"order-alerts\">");
            foreach (var a in v.Alerts)
            {
                b.Append($"<li>{(a.Kind == OrderAlertKind.Overdue ? "overdue" : "due soon")} raised {E(T(a.RaisedAt))}</li>");
            }
            b.Append("</ul>");
        }

        b.Append("<h2>History</h2><table id=\"transitions\"><thead><tr><th>At</th><th>From</th><th>To</th><th>By</th><th>Reason</th></tr></thead><tbody>");
        foreach (var t in o.Transitions.OrderBy(t => t.At).ThenBy(t => t.Id))
        {
            b.Append($"<tr><td>{E(T(t.At))}</td><td>{E(t.From.ToString())}</td><td>{E(t.To.ToString())}</td><td>{E(t.Actor)}</td><td>{E(t.Reason)}</td></tr>");
        }
        b.Append("</tbody></table>");
        return Html.Page($"Order #{I(o.Id)}", b.ToString(), status);
    }
}
