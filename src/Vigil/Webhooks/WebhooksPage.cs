using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Vigil.Accounts;
using Vigil.Ledger;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Webhooks;

/// <summary>
/// <c>/admin/webhooks</c> for admins and trust-and-safety leads: counts per platform and state, and the dead letters
/// with a retry button (a POST with an antiforgery token, written to the ledger with the staff user).
/// </summary>
internal static class WebhooksPage
{
    public const string Route = "/admin/webhooks";
    public const int DeadShown = 200;

    private static readonly AuthorizeAttribute Staff = new() { Roles = StaffRoles.Admin + "," + StaffRoles.TrustAndSafetyLead };

    public static void MapWebhooksPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, RenderAsync).RequireAuthorization(Staff).ExcludeFromDescription();
        app.MapPost(Route + "/{id}/retry", RetryAsync).RequireAuthorization(Staff).DisableAntiforgery().ExcludeFromDescription()
            // No form fields are bound, so the token is checked here rather than by form binding.
            .AddEndpointFilter(async (ctx, next) =>
            {
                var af = ctx.HttpContext.RequestServices.GetService(typeof(IAntiforgery)) as IAntiforgery;
                return af is not null && await af.IsRequestValidAsync(ctx.HttpContext) ? await next(ctx) : Results.BadRequest("antiforgery token missing or invalid");
            });
    }

    private static async Task<IResult> RenderAsync(HttpContext http, IAntiforgery af, VigilDb db, CancellationToken ct) =>
        Html.Page("Webhooks", await BodyAsync(http, af, db, null, ct));

    private static async Task<IResult> RetryAsync(HttpContext http, IAntiforgery af, VigilDb db, LedgerLog ledger, TimeProvider time, string id, CancellationToken ct)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var messageId)
            || await db.OutboxMessages.SingleOrDefaultAsync(m => m.Id == messageId, ct) is not { } m)
        {
            return Html.Page("Webhooks", await BodyAsync(http, af, db, $"No webhook message with id '{id}'.", ct), StatusCodes.Status404NotFound);
        }
        if (m.State != OutboxState.Dead)
        {
            return Html.Page("Webhooks", await BodyAsync(http, af, db, $"Message {m.Id} is {m.State.ToString().ToLowerInvariant()}, not dead; only dead messages are retried here.", ct), StatusCodes.Status409Conflict);
        }
        var platform = await db.Platforms.Where(p => p.Id == m.PlatformId).Select(p => p.Name).SingleAsync(ct);
        WebhookEndpoints.Requeue(m, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        OutboxSignal.Notify();
        var user = http.User.Identity?.Name ?? "unknown";
        var roles = string.Join(",", http.User.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal));
        await ledger.AppendAsync(new LedgerEvent(WebhookAudit.Cut(user), WebhookAudit.Cut(roles), WebhookAudit.Retried,
            new LedgerSubject(WebhookAudit.SubjectType, m.Id.ToString(CultureInfo.InvariantCulture)),
            WebhookAudit.Cut($"dead {m.EventType} to platform '{platform}' requeued by staff", LedgerEvent.MaxReasonLength)), ct);
        return Results.Redirect(Route);
    }

    private static async Task<string> BodyAsync(HttpContext http, IAntiforgery af, VigilDb db, string? error, CancellationToken ct)
    {
        var counts = await db.OutboxMessages.AsNoTracking()
            .GroupBy(m => new { m.PlatformId, m.State })
            .Select(g => new { g.Key.PlatformId, g.Key.State, Count = g.LongCount() })
            .ToListAsync(ct);
        var platforms = await db.Platforms.AsNoTracking().Select(p => new { p.Id, p.Name, p.WebhookUrl }).ToListAsync(ct);
        var names = platforms.ToDictionary(p => p.Id, p => p.Name);
        var dead = await db.OutboxMessages.AsNoTracking().Where(m => m.State == OutboxState.Dead)
            .OrderByDescending(m => m.Id).Take(DeadShown).ToListAsync(ct);
        var token = Html.Token(af.GetAndStoreTokens(http));

        var sb = new StringBuilder();
        sb.Append("<h1>Webhooks</h1>").Append(Html.Error(error));
        sb.Append("<h2>Messages per platform</h2><table><thead><tr><th>Platform</th><th>Webhook URL</th><th>Pending</th><th>Delivered</th><th>Dead</th></tr></thead><tbody>");
        foreach (var p in platforms.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            long Count(OutboxState s) => counts.Where(c => c.PlatformId == p.Id && c.State == s).Sum(c => c.Count);
            var url = p.WebhookUrl is null ? "<em>not set</em>" : Html.Encode(p.WebhookUrl);
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{Html.Encode(p.Name)}</td><td>{url}</td><td>{Count(OutboxState.Pending)}</td><td>{Count(OutboxState.Delivered)}</td><td>{Count(OutboxState.Dead)}</td></tr>");
        }
        sb.Append("</tbody></table>");
        sb.Append(CultureInfo.InvariantCulture, $"<h2>Dead letters</h2>");
        if (dead.Count == 0)
        {
            sb.Append("<p>None.</p>");
        }
        else
        {
            sb.Append("<table><thead><tr><th>Id</th><th>Platform</th><th>Event</th><th>Created</th><th>Attempts</th><th>Last status</th><th>Last error</th><th></th></tr></thead><tbody>");
            foreach (var m in dead)
            {
                var status = m.LastStatusCode?.ToString(CultureInfo.InvariantCulture) ?? "-";
                sb.Append(CultureInfo.InvariantCulture, $"""
                    <tr><td>{m.Id}</td><td>{Html.Encode(names.GetValueOrDefault(m.PlatformId, "?"))}</td><td>{Html.Encode(m.EventType)}</td>
                    <td>{m.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z</td><td>{m.Attempts}</td><td>{status}</td><td>{Html.Encode(m.LastError ?? "")}</td>
                    <td><form method="post" action="{Route}/{m.Id}/retry">{token}<button type="submit">Retry</button></form></td></tr>
                    """);
            }
            sb.Append("</tbody></table>");
        }
        return sb.ToString();
    }
}
