using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Vigil.Authorities;
using Vigil.Orders;
using Vigil.Server;

namespace Vigil.Portal;

/// <summary>The authority portal's pages: one layout with navigation, the order list, an order, the request form.</summary>
internal static class PortalPages
{
    /// <summary>Shown on the portal while an emergency request waits for the platform's out-of-band callback.</summary>
    public const string AwaitingCallback = "awaiting verification callback";

    private static string E(string? s) => Html.Encode(s ?? "");

    private static string T(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "";

    private static string I(long n) => n.ToString(CultureInfo.InvariantCulture);

    public static IResult Layout(string title, Authority authority, AntiforgeryTokenSet tokens, string body, int status = StatusCodes.Status200OK) =>
        Html.Page(title, $"""
            <nav id="portal-nav"><a href="/portal/orders">Orders</a><a href="/portal/orders/new">New request</a><a href="/portal/referrals">Referrals</a>
              <span>{E(authority.Name)} ({E(authority.Code)})</span>
              <form method="post" action="/portal/logout">{Html.Token(tokens)}<button type="submit">Sign out</button></form></nav>
            {body}
            """, status);

    public static string Status(LegalOrder o) =>
        o.Emergency && !o.EmergencyCallbackConfirmed && !OrderLifecycle.IsFinished(o.State) ? $"{o.State} ({AwaitingCallback})" : o.State.ToString();

    public static IResult Orders(Authority authority, AntiforgeryTokenSet tokens, IReadOnlyList<LegalOrder> orders, string? notice)
    {
        var b = new StringBuilder("<h1>Orders</h1>");
        if (notice is not null)
        {
            b.Append($"<p class=\"notice\" id=\"notice\">{E(notice)}</p>");
        }
        b.Append("<table id=\"orders\"><thead><tr><th>Reference</th><th>Instrument</th><th>State</th><th>Received</th><th>Due</th><th>Last change</th></tr></thead><tbody>");
        foreach (var o in orders)
        {
            b.Append($"<tr data-order=\"{I(o.Id)}\"><td><a href=\"/portal/orders/{I(o.Id)}\">{E(o.Reference)}</a></td><td>{E(InstrumentRules.For(o.Instrument).Code)}{(o.Emergency ? " (emergency)" : "")}</td>"
                + $"<td class=\"state\">{E(Status(o))}</td><td>{E(T(o.ReceivedAt))}</td><td>{E(T(o.DueAt))}</td><td>{E(T(o.UpdatedAt))}</td></tr>");
        }
        b.Append("</tbody></table>");
        if (orders.Count == 0)
        {
            b.Append("<p>No orders yet. <a href=\"/portal/orders/new\">Send a request</a>.</p>");
        }
        return Layout("Orders", authority, tokens, b.ToString());
    }

    public static IResult Order(Authority authority, AntiforgeryTokenSet tokens, LegalOrder o)
    {
        var rules = InstrumentRules.For(o.Instrument);
        var b = new StringBuilder($"<h1>Order {E(o.Reference)}</h1>");
        if (o.Emergency && !o.EmergencyCallbackConfirmed && !OrderLifecycle.IsFinished(o.State))
        {
            b.Append($"<p class=\"notice\" id=\"callback\">Emergency request {AwaitingCallback}: the platform will call one of your registered numbers before acting on it.</p>");
        }
        b.Append($"""
            <dl class="facts">
              <dt>Instrument</dt><dd>{E(rules.Code)} ({E(rules.Title)}){(o.Emergency ? ", emergency" : "")}</dd>
              <dt>State</dt><dd id="state">{E(Status(o))}</dd>
              <dt>Received</dt><dd>{E(T(o.ReceivedAt))} via {E(o.Channel.ToString())}</dd>
              <dt>Due</dt><dd>{E(T(o.DueAt))}</dd>
              <dt>Last change</dt><dd>{E(T(o.UpdatedAt))}</dd>
            </dl>
            <h2>Tasks</h2>
            <table id="tasks"><thead><tr><th>Task</th><th>Kind</th><th>Category</th><th>From</th><th>To</th><th>Selectors</th><th>Decision</th></tr></thead><tbody>
            """);
        foreach (var t in o.Tasks.OrderBy(t => t.Id))
        {
            var selectors = string.Join("<br>", t.Selectors.OrderBy(s => s.Id).Select(s => E(Selectors.Describe(s.Kind, s.Value, s.Port))));
            b.Append($"<tr><td>{E(t.Reference)}</td><td>{E(t.Kind.ToString())}</td><td>{E(t.Category?.ToString())}</td><td>{E(T(t.StartTime))}</td><td>{E(T(t.EndTime))}</td><td>{selectors}</td><td>{E(t.Decision.ToString())}</td></tr>");
        }
        b.Append("</tbody></table><h2>Documents</h2><table id=\"documents\"><thead><tr><th>Name</th><th>Type</th><th>Size</th><th>SHA-256</th><th>Received</th></tr></thead><tbody>");
        foreach (var d in o.Documents.OrderBy(d => d.Id))
        {
            b.Append($"<tr><td>{E(d.Reference)}</td><td>{E(d.DocumentType)}</td><td>{I(d.Content.LongLength)} bytes</td><td><code>{E(d.Sha256)}</code></td><td>{E(T(d.ReceivedAt))}</td></tr>");
        }
        b.Append("</tbody></table><h2>History</h2><table id=\"transitions\"><thead><tr><th>When</th><th>From</th><th>To</th><th>Why</th></tr></thead><tbody>");
        foreach (var tr in o.Transitions.OrderBy(x => x.At).ThenBy(x => x.Id))
        {
            b.Append($"<tr><td>{E(T(tr.At))}</td><td>{E(tr.From.ToString())}</td><td>{E(tr.To.ToString())}</td><td>{E(tr.Reason)}</td></tr>");
        }
        b.Append("</tbody></table>");
        return Layout("Order " + o.Reference, authority, tokens, b.ToString());
    }

    public static IResult NotFound(Authority authority, AntiforgeryTokenSet tokens) =>
        Layout("Not found", authority, tokens, "<h1>Not found</h1><p>There is no such order.</p>", StatusCodes.Status404NotFound);

    /// <summary>The request form, with the posted values and each error beside its field.</summary>
    public static IResult Form(Authority authority, AntiforgeryTokenSet tokens, PortalForm.Values v, IReadOnlyList<OrderError> errors, int status = StatusCodes.Status200OK)
    {
        string Err(string field) => string.Concat(errors.Where(e => e.Field == field)
            .Select(e => $"<span class=\"field-error\" role=\"alert\" data-field=\"{E(e.Field)}\">{E(e.Message)}</span>"));
        string Sel(string name, IEnumerable<string> options, string? blank = null) =>
            $"<select name=\"{E(name)}\">{(blank is null ? "" : $"<option value=\"\">{E(blank)}</option>")}"
            + string.Concat(options.Select(o => $"<option value=\"{E(o)}\"{(v[name] == o ? " selected" : "")}>{E(o)}</option>")) + "</select>";
        string Box(string name) => $"<input type=\"checkbox\" name=\"{name}\" value=\"true\"{(v[name] == "true" ? " checked" : "")}>";

        var offered = PortalForm.Instruments.Where(authority.Instruments.Contains).Select(i => InstrumentRules.For(i)).ToList();
        var instrumentOptions = string.Concat(offered.Select(r =>
            $"<option value=\"{E(r.Code)}\"{(v["instrument"] == r.Code ? " selected" : "")}>{E(r.Code)}: {E(r.Title)}</option>"));
        var emergencyAllowed = offered.Any(r => r.EmergencyDeadline is not null);
        var b = new StringBuilder("<h1>New request</h1>");
        var unplaced = errors.Where(e => e.Field is "authority").ToList();
        if (errors.Count > 0)
        {
            b.Append("<p role=\"alert\" id=\"form-errors\">The request was not sent: correct the fields marked below.</p>");
        }
        foreach (var e in unplaced)
        {
            b.Append($"<p role=\"alert\">{E(e.Message)}</p>");
        }
        if (offered.Count == 0)
        {
            b.Append("<p>Your authority is not registered for any instrument this form offers; send signed HI-1 requests instead.</p>");
            return Layout("New request", authority, tokens, b.ToString(), status);
        }
        b.Append($"""
            <form method="post" action="/portal/orders" enctype="multipart/form-data" id="order-form">{Html.Token(tokens)}
              <label>Instrument <select name="instrument" required>{instrumentOptions}</select></label>{Err("instrument")}
              {(emergencyAllowed ? $"<label>{Box("emergency")} Emergency: a threat to life or of serious harm (the platform calls back a registered number before acting)</label>{Err("emergency")}" : "")}
              <label>Your reference <input name="reference" value="{E(v["reference"])}" required maxlength="256"></label>{Err("reference")}
            """);
        var categories = Enum.GetNames<DataCategory>();
        var kinds = Enum.GetNames<SelectorKind>().Where(k => k is not (nameof(SelectorKind.ItemId) or nameof(SelectorKind.Url)));
        for (int i = 0; i < PortalForm.TaskRows; i++)
        {
            var p = $"tasks[{i}]";
            b.Append($"""
                <fieldset id="task-{i}"><legend>Task {i + 1}{(i > 0 ? " (optional)" : "")}</legend>
                  <label>Data category {Sel($"{p}.category", categories, "choose")}</label>{Err($"{p}.category")}{Err($"{p}.kind")}
                  <label class="inline">From (UTC) <input type="datetime-local" name="{p}.start" value="{E(v[$"{p}.start"])}"></label>
                  <label class="inline">To (UTC) <input type="datetime-local" name="{p}.end" value="{E(v[$"{p}.end"])}"></label>{Err($"{p}.time_range")}
                  {Err($"{p}.selectors")}
                """);
            for (int j = 0; j < PortalForm.SelectorRows; j++)
            {
                var s = $"{p}.selectors[{j}]";
                b.Append($"""
                    <div class="selector"><label class="inline">Selector {Sel($"{s}.kind", kinds)}</label>
                      <label class="inline">Value <input name="{s}.value" value="{E(v[$"{s}.value"])}"></label>
                      <label class="inline">Port (with an IP address) <input name="{s}.port" value="{E(v[$"{s}.port"])}" size="6"></label>
                      {Err($"{s}.kind")}{Err($"{s}.value")}{Err($"{s}.port")}</div>
                    """);
            }
            b.Append("</fieldset>");
        }
        b.Append($"""
              {Err("tasks")}
              {(offered.Any(r => r.Instrument == LegalInstrument.UkUsOverseasProductionOrder) ? $"<label>{Box("attestation")} UK-US orders: I attest that this order does not target a US person or a person in the United States</label>{Err("attestation")}" : "")}
              <label>Signed order document (PDF, at most {PortalForm.MaxDocumentBytes / (1024 * 1024)} MB) <input type="file" name="document" accept="application/pdf" required></label>{Err("document")}
              <p><button type="submit">Send request</button></p>
            </form>
            """);
        return Layout("New request", authority, tokens, b.ToString(), status);
    }
}
