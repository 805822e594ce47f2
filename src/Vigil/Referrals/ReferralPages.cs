using Vigil.Bench;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Vigil.Ingest;
using Vigil.Pipeline;
using Vigil.Server;

namespace Vigil.Referrals;

/// <summary>Server-rendered referral pages: self-contained, every dynamic value HTML-encoded.</summary>
public static class ReferralPages
{
    private static string E(string? s) => Html.Encode(s ?? "");

    private static string I(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string T(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "–";

    private static string Ms(double? ms) => ms is { } v ? v.ToString("0", CultureInfo.InvariantCulture) + " ms" : "–";

    /// <summary>The desk case page's "Refer to authority" form; the country is prefilled from the item's metadata.</summary>
    public static string ReferForm(AntiforgeryTokenSet tokens, long caseId, IngestItem item)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(item);
        var country = DetectionProcessor.MetadataCountry(item.Metadata) ?? "";
        return $"""
            <details id="refer"><summary>Refer to authority (threat to life or safety, DSA Art. 18)</summary>
            <form method="post" action="/desk/cases/{I(caseId)}/refer" id="refer-form">{Html.Token(tokens)}
              <label>Country of the threatened person or the suspect (ISO code; empty: the state of establishment, then Europol)
                <input name="country" value="{E(country)}" maxlength="2" pattern="[A-Za-z]{"{2}"}" autocomplete="off"></label>
              <label>Reason <textarea name="reason" required maxlength="{I(ModeratorReferrals.MaxReasonLength)}"></textarea></label>
              <button type="submit">Refer to authority</button> <small>(sent with an evidence package; logged in the ledger)</small>
            </form></details>
            """;
    }

    internal static IResult Created(long caseId, Referral r) => Html.Page($"Referral #{r.Id}", $"""
        <h1>Referral #{I(r.Id)} created</h1>
        <p id="referral-created">Case #{I(caseId)} is referred{(r.AuthorityCountry is { } c ? " to the authority of " + E(c) : " (no country: the state of establishment's authority, else Europol)")}. It is sent with its evidence package now; legal officers follow its delivery on <a href="/legal/referrals">/legal/referrals</a>.</p>
        <p><a href="/desk/cases/{I(caseId)}">Back to the case</a></p>
        """, StatusCodes.Status201Created);

    internal static IResult Refused(long caseId, ReferralRefusedException e) => Html.Page("Referral refused", $"""
        <h1>Referral refused</h1>{Html.Error(e.Message)}<p><a href="/desk/cases/{I(caseId)}">Back to the case</a></p>
        """, e.Status);

    internal static IResult Legal(IReadOnlyDictionary<ReferralState, int> counts, IReadOnlyList<double> e2e, IReadOnlyList<Referral> none,
        IReadOnlyList<Referral> recent, IReadOnlyDictionary<long, string> codes, DateTimeOffset now)
    {
        var b = new StringBuilder("<nav><a href=\"/\">Home</a></nav><h1>Referrals to authorities</h1>");
        b.Append("<dl class=\"facts\" id=\"referral-counts\">");
        foreach (var s in Enum.GetValues<ReferralState>())
        {
            b.Append(CultureInfo.InvariantCulture, $"<dt>{E(s.ToString())}</dt><dd id=\"count-{E(s.ToString().ToLowerInvariant())}\">{counts.GetValueOrDefault(s)}</dd>");
        }
        var sorted = e2e.Order().ToList();
        b.Append(CultureInfo.InvariantCulture, $"<dt>End-to-end p50 / p99 (last {sorted.Count} acknowledged)</dt><dd id=\"e2e\">{Ms(Percentiles.NearestRank(sorted, 0.5))} / {Ms(Percentiles.NearestRank(sorted, 0.99))}</dd></dl>");
        b.Append(CultureInfo.InvariantCulture, $"<h2>No authority ({none.Count})</h2>");
        if (none.Count == 0)
        {
            b.Append("<p id=\"no-authority-none\">Every referral has a reachable authority.</p>");
        }
        else
        {
            b.Append("<p>These referrals have no registered authority with a referral endpoint for their country, the state of establishment or Europol. Register one; they are routed again every few minutes.</p>");
            b.Append("<table id=\"no-authority\"><thead><tr><th>#</th><th>Item</th><th>Country</th><th>Created</th><th>Why</th></tr></thead><tbody>");
            foreach (var r in none)
            {
                b.Append(CultureInfo.InvariantCulture, $"<tr><td>{I(r.Id)}</td><td>{I(r.IngestItemId)}</td><td>{E(r.AuthorityCountry ?? "–")}</td><td>{E(T(r.CreatedAt))}</td><td>{E(r.ChosenBy)}</td></tr>");
            }
            b.Append("</tbody></table>");
        }
        b.Append("<h2>Latest referrals</h2><table id=\"referrals\"><thead><tr><th>#</th><th>Item</th><th>Country</th><th>Authority</th><th>Chosen by</th><th>State</th><th>Attempts</th><th>Created</th><th>Acknowledged</th><th>Receipt</th><th>End to end</th><th>Last error</th></tr></thead><tbody>");
        foreach (var r in recent)
        {
            var authority = r.AuthorityId is { } a ? codes.GetValueOrDefault(a, "#" + I(a)) : "no authority";
            b.Append(CultureInfo.InvariantCulture, $"<tr class=\"state-{E(r.State.ToString().ToLowerInvariant())}\"><td>{I(r.Id)}</td><td>{I(r.IngestItemId)}</td><td>{E(r.AuthorityCountry ?? "–")}</td><td>{E(authority)}</td><td>{E(r.ChosenBy ?? "–")}</td><td>{E(r.State.ToString())}</td><td>{r.Attempts}</td><td>{E(T(r.CreatedAt))}</td><td>{E(T(r.AcknowledgedAt))}</td><td>{E(r.ReceiptId ?? "–")}</td><td>{E(Ms(r.EndToEndMs))}</td><td>{E(r.LastError ?? "")}{(r.State == ReferralState.Pending && r.Attempts > 0 ? " (next " + E(T(r.NextAttemptAt)) + ")" : "")}</td></tr>");
        }
        b.Append(CultureInfo.InvariantCulture, $"</tbody></table><p><small>As of {E(T(now))}.</small></p>");
        return Html.Page("Referrals", b.ToString());
    }

    internal static IResult PortalList(string authority, IReadOnlyList<Referral> list)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"<h1>Referrals received by {E(authority)}</h1>");
        if (list.Count == 0)
        {
            b.Append("<p id=\"none\">No referrals received.</p>");
            return Html.Page("Referrals", b.ToString());
        }
        b.Append("<table id=\"referrals\"><thead><tr><th>#</th><th>State</th><th>Received</th><th>Acknowledged</th><th>Your receipt</th><th>Reason</th></tr></thead><tbody>");
        foreach (var r in list)
        {
            b.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"/portal/referrals/{I(r.Id)}\">{I(r.Id)}</a></td><td>{E(r.State.ToString())}</td><td>{E(T(r.DeliveredAt))}</td><td>{E(T(r.AcknowledgedAt))}</td><td>{E(r.ReceiptId ?? "–")}</td><td>{E(r.Reason)}</td></tr>");
        }
        b.Append("</tbody></table>");
        return Html.Page("Referrals", b.ToString());
    }

    internal static IResult PortalDetail(Referral r) => Html.Page($"Referral #{r.Id}", $"""
        <p><a href="/portal/referrals">All referrals</a></p>
        <h1>Referral #{I(r.Id)}</h1>
        <dl class="facts" id="referral">
          <dt>State</dt><dd id="state">{E(r.State.ToString())}</dd>
          <dt>Reason</dt><dd>{E(r.Reason)}</dd>
          <dt>Country</dt><dd>{E(r.AuthorityCountry ?? "–")}</dd>
          <dt>Why you</dt><dd>{E(r.ChosenBy)}</dd>
          <dt>Received</dt><dd>{E(T(r.DeliveredAt))}</dd>
          <dt>Acknowledged</dt><dd>{E(T(r.AcknowledgedAt))}</dd>
          <dt>Your receipt</dt><dd id="receipt">{E(r.ReceiptId ?? "–")}</dd>
          <dt>Package SHA-256</dt><dd><code id="sha256">{E(r.PackageSha256 is { } h ? Convert.ToHexStringLower(h) : "")}</code></dd>
          <dt>Package</dt><dd><a id="download" href="/portal/referrals/{I(r.Id)}/package">Download</a> ({(r.Encrypted ? "CMS EnvelopedData encrypted to your certificate, around" : "")} CMS SignedData; open with <code>openssl cms{(r.Encrypted ? " -decrypt" : " -verify")}</code>, see the documentation)</dd>
        </dl>
        """);
}
