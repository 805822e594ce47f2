using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Vigil.Ingest;
using Vigil.Matching;
using Vigil.Moderation;
using Vigil.Server;

namespace Vigil.Desk;

/// <summary>The desk's server-rendered pages. Every value from the database or the request is HTML-encoded.</summary>
internal static class DeskPages
{
    public sealed record OtherItem(long Id, string ItemId, string Type, DateTimeOffset CreatedAt, string? Text, bool HasImage);

    public sealed record CaseView(ReviewCase Case, IngestItem Item, ModerationDecision? Decision, ModerationDecision? Parent, Appeal? Appeal,
        IReadOnlyList<OtherItem> OtherItems, IReadOnlyList<ModerationDecision> History, IReadOnlyList<Appeal> Appeals,
        IReadOnlyList<MatchOutcome> Signals, bool Revealed, bool Blind, string User, ContentPolicy Policy, DateTimeOffset Now, TimeSpan DueSoon);

    private static string E(string? s) => Html.Encode(s ?? "");

    private static string Percent(double r) => (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string I(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Age(TimeSpan a) => a.TotalDays >= 1 ? $"{(int)a.TotalDays} d" : a.TotalHours >= 1 ? $"{(int)a.TotalHours} h" : $"{Math.Max(0, (int)a.TotalMinutes)} min";

    private static string Nav(bool lead) => $"""
        <nav><a href="/desk">Queue</a>{(lead ? "<a href=\"/desk/quality\">Quality</a><a href=\"/desk/export/dsa\">DSA export (last 30 days)</a>" : "")}<a href="/">Account</a></nav>
        """;

    public static IResult Message(string title, string message, int status, bool lead) =>
        Html.Page(title, $"{Nav(lead)}<h1>{E(title)}</h1><p>{E(message)}</p>", status);

    private static string DueCell(DateTimeOffset? due, DateTimeOffset now, TimeSpan soon) => due is not { } d ? "<td></td>"
        : d < now ? $"<td class=\"overdue\">overdue since {E(T(d))}</td>"
        : d - now < soon ? $"<td class=\"due-soon\">due {E(T(d))}</td>"
        : $"<td>due {E(T(d))}</td>";

    private static string Options(IEnumerable<(string Value, string Label)> options, string? selected) =>
        string.Concat(options.Select(o => $"<option value=\"{E(o.Value)}\"{(o.Value == selected ? " selected" : "")}>{E(o.Label)}</option>"));

    public static IResult Queue(HttpContext http, AntiforgeryTokenSet tokens, QueueFilter filter, int page, int pageSize, IReadOnlyList<ReviewCase> cases, int total,
        IReadOnlyList<(string Queue, int Open, int Assigned)> counts, IReadOnlyList<(long Id, string Name)> platforms, IReadOnlyList<string> queues,
        DateTimeOffset now, TimeSpan soon, bool empty, bool lead)
    {
        var b = new StringBuilder();
        b.Append(Nav(lead)).Append("<h1>Review queue</h1>");
        if (empty)
        {
            b.Append("<p class=\"notice\" id=\"queue-empty\">No open case you may take matches these filters.</p>");
        }
        b.Append("<h2>Per queue</h2><table class=\"counts\"><thead><tr><th>Queue</th><th>Open</th><th>Assigned</th></tr></thead><tbody>");
        foreach (var (q, open, assigned) in counts)
        {
            b.Append($"<tr><td><a href=\"/desk?queue={Uri.EscapeDataString(q)}\">{E(q)}</a></td><td>{I(open)}</td><td>{I(assigned)}</td></tr>");
        }
        b.Append("</tbody></table>");
        var kind = filter.Kind?.ToString();
        var state = filter.State?.ToString();
        var platform = filter.PlatformId?.ToString(CultureInfo.InvariantCulture);
        b.Append($"""
            <form method="get" action="/desk" id="filters">
              <label>Queue <select name="queue"><option value="">any</option>{Options(queues.Select(q => (q, q)), filter.Queue)}</select></label>
              <label>Kind <select name="kind"><option value="">any</option>{Options(Enum.GetNames<ReviewCaseKind>().Select(k => (k, k)), kind)}</select></label>
              <label>State <select name="state"><option value="">open and assigned</option>{Options(Enum.GetNames<ReviewCaseState>().Select(k => (k, k)), state)}</select></label>
              <label>Platform <select name="platform"><option value="">any</option>{Options(platforms.Select(p => (I(p.Id), p.Name)), platform)}</select></label>
              <button type="submit">Filter</button>
            </form>
            <form method="post" action="/desk/take" id="take-next">{Html.Token(tokens)}
              <input type="hidden" name="queue" value="{E(filter.Queue)}"><input type="hidden" name="kind" value="{E(kind)}"><input type="hidden" name="platform" value="{E(platform)}">
              <button type="submit">Take next</button>
            </form>
            """);
        b.Append($"<p>{I(total)} case(s).</p><table id=\"cases\"><thead><tr><th>Case</th><th>Kind</th><th>Queue</th><th>Priority</th><th>State</th><th>Assigned to</th><th>Age</th><th>Due</th><th>Reason</th></tr></thead><tbody>");
        foreach (var c in cases)
        {
            b.Append($"<tr><td><a href=\"/desk/cases/{I(c.Id)}\">#{I(c.Id)}</a></td><td>{E(c.Kind.ToString())}</td><td>{E(c.Queue)}</td><td>{E(c.Priority.ToString("0.###", CultureInfo.InvariantCulture))}</td>"
                + $"<td>{E(c.State.ToString())}</td><td>{E(c.AssignedTo)}</td><td>{E(Age(now - c.CreatedAt))}</td>{DueCell(c.DueAt, now, soon)}<td>{E(c.Reason)}</td></tr>");
        }
        b.Append("</tbody></table>");
        var pages = Math.Max(1, (total + pageSize - 1) / pageSize);
        if (pages > 1)
        {
            string Link(int p) => $"/desk?queue={Uri.EscapeDataString(filter.Queue ?? "")}&kind={E(kind)}&state={E(state)}&platform={E(platform)}&page={I(p)}";
            b.Append("<p class=\"paging\">");
            if (page > 1)
            {
                b.Append($"<a href=\"{Link(page - 1)}\" rel=\"prev\">previous</a> ");
            }
            b.Append($"page {I(page)} of {I(pages)}");
            if (page < pages)
            {
                b.Append($" <a href=\"{Link(page + 1)}\" rel=\"next\">next</a>");
            }
            b.Append("</p>");
        }
        return Html.Page("Review queue", b.ToString());
    }

    public static IResult Case(HttpContext http, AntiforgeryTokenSet tokens, CaseView v, string? error, int status, bool lead)
    {
        var c = v.Case;
        var item = v.Item;
        var b = new StringBuilder();
        b.Append(Nav(lead)).Append($"<h1>Case #{I(c.Id)} <small>{E(c.Kind.ToString())}</small></h1>").Append(Html.Error(error));
        b.Append($"""
            <dl class="facts">
              <dt>State</dt><dd id="case-state">{E(c.State.ToString())}{(c.AssignedTo is { } a ? " (" + E(a) + ")" : "")}</dd>
              <dt>Queue</dt><dd>{E(c.Queue)}</dd>
              <dt>Priority</dt><dd>{E(c.Priority.ToString("0.###", CultureInfo.InvariantCulture))}</dd>
              <dt>Created</dt><dd>{E(T(c.CreatedAt))}</dd>
              {(c.DueAt is { } due ? $"<dt>Due</dt><dd class=\"{(due < v.Now ? "overdue" : due - v.Now < v.DueSoon ? "due-soon" : "")}\">{E(T(due))}</dd>" : "")}
              <dt>Rule</dt><dd>{E(c.RuleId ?? "(none: not flagged by a rule)")}</dd>
              <dt>Reason</dt><dd>{E(c.Reason)}</dd>
              <dt>Item</dt><dd>{E(item.Type)} <code>{E(item.ItemId)}</code> by account <code>{E(item.AccountId)}</code>, posted {E(T(item.CreatedAt))}, received {E(T(item.ReceivedAt))}</dd>
            </dl>
            """);
        if (v.Blind)
        {
            b.Append("<p class=\"notice\" id=\"blind\">Blind quality review: the original outcome and the original moderator are hidden. Decide as if this were a fresh case.</p>");
        }
        if (v.Appeal is { } ap)
        {
            b.Append($"<h2>Appeal</h2><p>Filed {E(T(ap.FiledAt))} by {E(ap.FiledBy)}{(ap.AppealId is { } aid ? " (platform id " + E(aid) + ")" : "")}.</p><pre class=\"content-text\" id=\"appeal-text\">{E(ap.Text)}</pre>");
        }
        if (v.Parent is { } p && !v.Blind)
        {
            b.Append($"<h2>Decision under review</h2><dl class=\"facts\" id=\"original-decision\"><dt>Outcome</dt><dd>{E(p.Outcome)}</dd><dt>Policy</dt><dd>{E(p.PolicyId)}</dd><dt>Decided by</dt><dd>{E(p.DecidedBy)}</dd><dt>Decided</dt><dd>{E(T(p.DecidedAt))}</dd><dt>Facts</dt><dd>{E(p.Facts)}</dd></dl>");
        }

        b.Append("<h2>Content</h2>");
        if (item.E2ee)
        {
            b.Append("<p class=\"notice\" id=\"e2ee\">End-to-end encrypted direct message: only its metadata is shown; the content is not available to the desk.</p>");
            if (!string.IsNullOrEmpty(item.Metadata))
            {
                b.Append($"<pre class=\"content-text\">{E(item.Metadata)}</pre>");
            }
        }
        else
        {
            if (!string.IsNullOrEmpty(item.Text))
            {
                b.Append($"<pre class=\"content-text\" id=\"item-text\">{E(item.Text)}</pre>");
            }
            if (item.Image is not null)
            {
                if (v.Revealed)
                {
                    b.Append($"<img class=\"item-image revealed\" id=\"item-image\" alt=\"item image (revealed)\" src=\"/desk/items/{I(item.Id)}/image?view=revealed\">");
                }
                else
                {
                    b.Append($"""
                        <img class="item-image blurred" id="item-image" alt="item image (blurred until revealed)" src="/desk/items/{I(item.Id)}/image?view=blurred">
                        <form method="post" action="/desk/cases/{I(c.Id)}/reveal" id="reveal">{Html.Token(tokens)}<button type="submit">Reveal image</button> <small>(logged in the ledger)</small></form>
                        """);
                }
            }
        }

        b.Append("<h2>Signals</h2>");
        var hits = v.Signals.SelectMany(o => o.Hits.Select(h => (o.Input, h))).ToList();
        if (hits.Count == 0)
        {
            b.Append("<p id=\"no-signals\">No bank entry matches this item.</p>");
        }
        else
        {
            b.Append("<table id=\"signals\"><thead><tr><th>Input</th><th>Bank</th><th>Entry</th><th>Via</th><th>Distance</th><th>Labels</th><th>Vetoed</th></tr></thead><tbody>");
            foreach (var (input, h) in hits)
            {
                var how = h.Distance is { } d ? "distance " + I(d) : h.Similarity is { } s ? "similarity " + s.ToString("0.###", CultureInfo.InvariantCulture) : "exact";
                var labels = string.Join(", ", new[] { ("entity", h.Entry.Entity), ("ideology", h.Entry.Ideology), ("type", h.Entry.ContentType),
                    ("severity", h.Entry.Severity?.ToString(CultureInfo.InvariantCulture)), ("source", h.Entry.Source) }.Where(l => l.Item2 is not null).Select(l => $"{l.Item1}={l.Item2}"));
                b.Append($"<tr><td>{E(input)}</td><td>{E(h.Entry.Bank)} ({E(h.Entry.Kind.ToString().ToLowerInvariant())})</td><td>{I(h.Entry.Id)}</td><td>{E(h.Via)}</td><td>{E(how)}</td><td>{E(labels)}</td><td>{E(h.VetoedBy)}</td></tr>");
            }
            b.Append("</tbody></table>");
        }
        foreach (var note in v.Signals.SelectMany(o => o.Notes))
        {
            b.Append($"<p><small>{E(note)}</small></p>");
        }

        b.Append("<h2>Account history</h2><h3>Other items</h3>");
        if (v.OtherItems.Count == 0)
        {
            b.Append("<p>None.</p>");
        }
        else
        {
            b.Append("<table id=\"other-items\"><thead><tr><th>Item</th><th>Type</th><th>Posted</th><th>Text</th></tr></thead><tbody>");
            foreach (var o in v.OtherItems)
            {
                var text = o.Text is { Length: > 140 } t ? t[..140] + "…" : o.Text;
                b.Append($"<tr><td><code>{E(o.ItemId)}</code></td><td>{E(o.Type)}{(o.HasImage ? " + image" : "")}</td><td>{E(T(o.CreatedAt))}</td><td>{E(text)}</td></tr>");
            }
            b.Append("</tbody></table>");
        }
        b.Append("<h3>Earlier decisions</h3>");
        var history = v.History.Where(d => d.CaseId != c.Id).ToList();
        if (history.Count == 0)
        {
            b.Append("<p>None.</p>");
        }
        else
        {
            b.Append("<table id=\"decision-history\"><thead><tr><th>Decided</th><th>Item</th><th>Kind</th><th>Outcome</th><th>Policy</th><th>By</th></tr></thead><tbody>");
            foreach (var d in history)
            {
                b.Append($"<tr><td>{E(T(d.DecidedAt))}</td><td><code>{E(d.ItemId)}</code></td><td>{E(d.CaseKind.ToString())}</td><td>{E(d.Outcome)}</td><td>{E(d.PolicyId)}</td><td>{E(d.DecidedBy)}</td></tr>");
            }
            b.Append("</tbody></table>");
        }
        b.Append("<h3>Appeals</h3>");
        if (v.Appeals.Count == 0)
        {
            b.Append("<p>None.</p>");
        }
        else
        {
            b.Append("<table id=\"appeal-history\"><thead><tr><th>Filed</th><th>Case</th><th>By</th><th>Text</th></tr></thead><tbody>");
            foreach (var x in v.Appeals)
            {
                b.Append($"<tr><td>{E(T(x.FiledAt))}</td><td><a href=\"/desk/cases/{I(x.CaseId)}\">#{I(x.CaseId)}</a></td><td>{E(x.FiledBy)}</td><td>{E(x.Text)}</td></tr>");
            }
            b.Append("</tbody></table>");
        }

        b.Append("<h2>Decision</h2>");
        if (v.Decision is { } own)
        {
            b.Append($"""
                <dl class="facts" id="decision">
                  <dt>Outcome</dt><dd id="decision-outcome">{E(own.Outcome)}</dd><dt>Policy</dt><dd>{E(own.PolicyId)}</dd>
                  <dt>Decided by</dt><dd>{E(own.DecidedBy)} at {E(T(own.DecidedAt))}</dd><dt>Facts and circumstances</dt><dd>{E(own.Facts)}</dd>
                  <dt>Ground</dt><dd>{E(own.Ground)}: {E(own.GroundReference)}</dd>
                  <dt>Automated detection</dt><dd>{(own.AutomatedDetection ? "yes" : "no")}</dd><dt>Automated decision</dt><dd>{E(own.AutomatedDecision)}</dd>
                  <dt>Territorial scope</dt><dd>{E(own.TerritorialScope)}</dd><dt>Content type</dt><dd>{E(own.ContentType)}</dd>
                  {(own.Agrees is { } ag ? $"<dt>Agrees with original</dt><dd id=\"agrees\">{(ag ? "yes" : "no")}</dd>" : "")}
                </dl>
                """);
            if (c.Kind == ReviewCaseKind.Flag && DecisionOutcomes.IsAction(own.Outcome))
            {
                b.Append($"""
                    <h3>Record a complaint</h3>
                    <form method="post" action="/desk/cases/{I(c.Id)}/complaint" id="complaint">{Html.Token(tokens)}
                      <label>What the user says <textarea name="text" required maxlength="5000"></textarea></label>
                      <button type="submit">Record complaint</button>
                    </form>
                    """);
            }
        }
        else if (c.ExcludedReviewer == v.User)
        {
            b.Append($"<p class=\"notice\" id=\"excluded\">You took the original decision, so this {(c.Kind == ReviewCaseKind.Appeal ? "appeal" : "quality sample")} must be decided by someone else.</p>");
        }
        else if (c.State == ReviewCaseState.Open)
        {
            b.Append($"<form method=\"post\" action=\"/desk/cases/{I(c.Id)}/assign\" id=\"assign\">{Html.Token(tokens)}<button type=\"submit\">Assign to me</button></form>");
        }
        else if (c.AssignedTo != v.User)
        {
            b.Append($"<p>Assigned to {E(c.AssignedTo)}.</p>");
        }
        else
        {
            b.Append(DecisionForm(tokens, v));
        }
        b.Append(Referrals.ReferralPages.ReferForm(tokens, c.Id, item));
        b.Append("<details><summary>Content policy</summary>");
        foreach (var pol in v.Policy.Policies)
        {
            b.Append($"<h4>{E(pol.Title)} <code>{E(pol.Id)}</code></h4><p><em>{(pol.Ground == PolicyGround.Illegal ? "Illegal content" : "Incompatible with the terms")}: {E(pol.Reference)}</em></p><p>{E(pol.Text)}</p>");
        }
        b.Append("</details>");
        return Html.Page($"Case #{c.Id}", b.ToString(), status);
    }

    private static string DecisionForm(AntiforgeryTokenSet tokens, CaseView v)
    {
        var c = v.Case;
        var appeal = c.Kind == ReviewCaseKind.Appeal;
        var outcomes = appeal ? DecisionOutcomes.Appeal : DecisionOutcomes.Review;
        var types = ModerationDesk.DefaultContentTypes(v.Item);
        var policies = v.Policy.Policies.Select(p => (p.Id, $"{p.Title} ({(p.Ground == PolicyGround.Illegal ? "illegal" : "terms")})"));
        return $"""
            <form method="post" action="/desk/cases/{I(c.Id)}/decide" id="decide">{Html.Token(tokens)}
              <label>Outcome <select name="outcome" required>{Options(outcomes.Select(o => (o, o.Replace('_', ' '))), null)}</select></label>
              <label>Policy <select name="policy">{(appeal ? "<option value=\"\">same as the original decision</option>" : "<option value=\"none\">none (no violation)</option>")}{Options(policies, null)}</select></label>
              <fieldset><legend>Statement of reasons</legend>
                <label>Facts and circumstances relied on <textarea name="facts" maxlength="5000"></textarea></label>
                <p>Automated detection: <strong>{(c.RuleId is null ? "no" : "yes (rule " + E(c.RuleId) + ")")}</strong></p>
                <label>Automated decision <select name="automated_decision">{Options(DecisionOutcomes.Automation.Select(a => (a, a)), "none")}</select></label>
                <label>Territorial scope (EU, or EU/EEA country codes) <input name="territorial_scope" value="EU"></label>
                <p>Content type:
                {string.Concat(DecisionOutcomes.ContentTypes.Select(t => $"<label class=\"inline\"><input type=\"checkbox\" name=\"content_type\" value=\"{E(t)}\"{(types.Contains(t) ? " checked" : "")}> {E(t.Replace('_', ' '))}</label>"))}
                </p>
              </fieldset>
              <button type="submit">Decide</button>
            </form>
            """;
    }

    public static IResult Quality(Agreement overall, IReadOnlyList<Agreement> perQueue, IReadOnlyList<Agreement> perModerator, double rate)
    {
        static string Row(Agreement a) =>
            $"<tr><td>{E(a.Key)}</td><td>{I(a.Samples)}</td><td>{I(a.Agreed)}</td><td>{(a.Samples == 0 ? "–" : Percent(a.Rate))}</td></tr>";
        const string Head = "<thead><tr><th></th><th>Samples</th><th>Agreed</th><th>Agreement</th></tr></thead>";
        return Html.Page("Quality", $"""
            {Nav(true)}
            <h1>Quality sampling</h1>
            <p>{E(Percent(rate))} of flag decisions are re-reviewed blind by another moderator; agreement means the same outcome.</p>
            <h2>Overall</h2><table id="overall">{Head}<tbody>{Row(overall)}</tbody></table>
            <h2>Per queue</h2><table id="per-queue">{Head}<tbody>{string.Concat(perQueue.Select(Row))}</tbody></table>
            <h2>Per moderator (original decider)</h2><table id="per-moderator">{Head}<tbody>{string.Concat(perModerator.Select(Row))}</tbody></table>
            """);
    }
}
