using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Storage;

namespace Vigil.Legal;

/// <summary>The legal officers' desk (<c>/legal</c>) and the portal's clarification answer route.</summary>
public static class LegalEndpoints
{
    private const string Officer = StaffRoles.LegalOfficer;

    /// <summary>Registers the review and hold services, the deadline metrics and the deadline monitor.</summary>
    public static IServiceCollection AddLegalDesk(this IServiceCollection services)
    {
        services.AddScoped<OrderReview>();
        services.AddScoped<HoldManagement>();
        services.AddSingleton(sp => new OrderMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddHostedService<OrderDeadlineMonitor>();
        return services;
    }

    /// <summary>Maps the desk's pages and form posts (legal officers; the callback confirmation also leads) and the portal answer.</summary>
    public static void MapLegalDesk(this IEndpointRouteBuilder app)
    {
        app.MapGet("/legal", InboxAsync).RequireAuthorization(Officer).ExcludeFromDescription();
        // A trust-and-safety lead may be the emergency supervisor, so reads the order and confirms its callback.
        var officerOrLead = new AuthorizeAttribute { Roles = Officer + "," + StaffRoles.TrustAndSafetyLead };
        app.MapGet("/legal/orders/{id:long}", OrderAsync).RequireAuthorization(officerOrLead).ExcludeFromDescription();
        app.MapGet("/legal/orders/{id:long}/documents/{doc:long}", DocumentAsync).RequireAuthorization(Officer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/clarify", (long id, HttpContext h, IFormCollection f, OrderReview r, CancellationToken ct) =>
            Act(id, h, () => r.RequestClarificationAsync(id, LegalActor.Of(h.User), f["text"], ct), ct)).RequireAuthorization(Officer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/answer", (long id, HttpContext h, IFormCollection f, OrderReview r, CancellationToken ct) =>
            Act(id, h, () => r.RecordAnswerAsync(id, LegalActor.Of(h.User), null, f["text"], ct), ct)).RequireAuthorization(Officer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/tasks/{task:long}/decide", (long id, long task, HttpContext h, IFormCollection f, OrderReview r, CancellationToken ct) =>
            Act(id, h, () => r.DecideTaskAsync(id, task, Enum.TryParse<TaskDecision>(f["decision"], out var d) ? d : TaskDecision.Pending, f["ground"], LegalActor.Of(h.User), ct), ct))
            .RequireAuthorization(Officer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/approve", (long id, HttpContext h, IFormCollection f, OrderReview r, CancellationToken ct) =>
            Act(id, h, () => r.ApproveAsync(id, LegalActor.Of(h.User), ct), ct)).RequireAuthorization(Officer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/reject", (long id, HttpContext h, IFormCollection f, OrderReview r, CancellationToken ct) =>
            Act(id, h, () => r.RejectAsync(id, f["ground"], f["reason"], LegalActor.Of(h.User), ct), ct)).RequireAuthorization(Officer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/suspend", (long id, HttpContext h, IFormCollection f, OrderReview r, CancellationToken ct) =>
            Act(id, h, () => r.SuspendAsync(id, f["reason"], LegalActor.Of(h.User), ct), ct)).RequireAuthorization(Officer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/resume", (long id, HttpContext h, IFormCollection f, OrderReview r, CancellationToken ct) =>
            Act(id, h, () => r.ResumeAsync(id, f["reason"], LegalActor.Of(h.User), ct), ct)).RequireAuthorization(Officer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/callback", (long id, HttpContext h, IFormCollection f, OrderReview r, CancellationToken ct) =>
            Act(id, h, () => r.RecordCallbackAsync(id, f["number"], LegalActor.Of(h.User), ct), ct)).RequireAuthorization(Officer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/callback/confirm", (long id, HttpContext h, IFormCollection f, OrderReview r, CancellationToken ct) =>
            Act(id, h, () => r.ConfirmCallbackAsync(id, LegalActor.Of(h.User), ct), ct)).RequireAuthorization(officerOrLead).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/holds", PlaceHoldAsync).RequireAuthorization(Officer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/holds/{hold:long}/extend", (long id, long hold, HttpContext h, IFormCollection f, HoldManagement m, CancellationToken ct) =>
            Act(id, h, () => m.ExtendAsync(hold, LegalActor.Of(h.User), ct), ct)).RequireAuthorization(Officer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/holds/{hold:long}/release", (long id, long hold, HttpContext h, IFormCollection f, HoldManagement m, CancellationToken ct) =>
            Act(id, h, () => m.ReleaseAsync(hold, LegalActor.Of(h.User), ct), ct)).RequireAuthorization(Officer).ExcludeFromDescription();
        // JSON, not a form: a cross-site page cannot send it, and the portal's cookie is SameSite=Strict.
        app.MapPost("/portal/orders/{id:long}/messages", PortalMessageAsync).RequireAuthorization(AuthorityPortal.Policy).DisableAntiforgery().ExcludeFromDescription();
    }

    private static async Task<IResult> Act(long id, HttpContext http, Func<Task> action, CancellationToken ct)
    {
        try
        {
            await action();
            return Results.Redirect(string.Create(CultureInfo.InvariantCulture, $"/legal/orders/{id}"), permanent: false);
        }
        catch (LegalDeskException e)
        {
            return await RenderOrderAsync(id, http, e.Message, e.Status, ct);
        }
    }

    private static async Task<IResult> PlaceHoldAsync(long id, HttpContext http, IFormCollection form, HoldManagement holds, CancellationToken ct)
    {
        if (!Enum.TryParse<SelectorKind>(form["selector_kind"], out var kind) || !Enum.IsDefined(kind))
        {
            return await RenderOrderAsync(id, http, "selector_kind: AccountId, Username, EmailAddress, PhoneNumber or IpAddress", StatusCodes.Status400BadRequest, ct);
        }
        DataCategory? category = null;
        if (form["category"].ToString() is { Length: > 0 } c)
        {
            if (!Enum.TryParse<DataCategory>(c, out var dc) || !Enum.IsDefined(dc))
            {
                return await RenderOrderAsync(id, http, $"category: '{c}' is not a data category", StatusCodes.Status400BadRequest, ct);
            }
            category = dc;
        }
        if (!TryDate(form["data_from"], out var from) || !TryDate(form["data_to"], out var to))
        {
            return await RenderOrderAsync(id, http, "data_from, data_to: dates as YYYY-MM-DD", StatusCodes.Status400BadRequest, ct);
        }
        return await Act(id, http, () => holds.PlaceAsync(id, kind, form["selector_value"], category, from, to, LegalActor.Of(http.User), ct), ct);
    }

    private static bool TryDate(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d))
        {
            value = new DateTimeOffset(d, TimeSpan.Zero);
            return true;
        }
        return false;
    }

    private static async Task<IResult> PortalMessageAsync(long id, HttpContext http, OrderReview review, CancellationToken ct)
    {
        var authority = AuthorityPortal.AuthorityIdOf(http.User);
        if (authority is null)
        {
            return Results.NotFound();
        }
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Results.Problem(detail: "body: application/json {\"text\": \"...\"}", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Message refused");
        }
        if (http.Request.ContentLength > 64 * 1024)
        {
            return Results.Problem(detail: "body: over 65536 bytes", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Message refused");
        }
        string? text;
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, default, ct);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
            {
                return Results.Problem(detail: "text: required, a string", statusCode: StatusCodes.Status400BadRequest, title: "Message refused");
            }
            text = t.GetString();
        }
        catch (JsonException e)
        {
            return Results.Problem(detail: $"body: not valid JSON (line {e.LineNumber + 1}: {e.Message})", statusCode: StatusCodes.Status400BadRequest, title: "Message refused");
        }
        try
        {
            await review.RecordAnswerAsync(id, LegalActor.Of(http.User), authority, text, ct);
            return Results.Json(new { order_id = id, status = "received" }, statusCode: StatusCodes.Status201Created);
        }
        catch (LegalDeskException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            return Results.NotFound();
        }
        catch (LegalDeskException e)
        {
            return Results.Problem(detail: e.Message, statusCode: e.Status, title: "Message refused");
        }
    }

    private static async Task<IResult> InboxAsync(HttpContext http, VigilDb db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var stateText = http.Request.Query["state"].ToString();
        var instrumentText = http.Request.Query["instrument"].ToString();
        OrderState? state = Enum.TryParse<OrderState>(stateText, out var s) && Enum.IsDefined(s) ? s : null;
        var rules = instrumentText.Length > 0 ? InstrumentRules.ForCode(instrumentText) : null;
        var q = db.LegalOrders.AsNoTracking().Include(o => o.Authority).AsQueryable();
        if (state is { } st)
        {
            q = q.Where(o => o.State == st);
        }
        else
        {
            q = q.Where(o => o.State != OrderState.Rejected && o.State != OrderState.Disclosed && o.State != OrderState.Removed
                && o.State != OrderState.Closed && o.State != OrderState.Preserved);
        }
        if (rules is not null)
        {
            q = q.Where(o => o.Instrument == rules.Instrument);
        }
        var orders = OrderDeadlines.InboxOrder(await q.OrderBy(o => o.DueAt).Take(500).ToListAsync(ct), now);
        var ids = orders.Select(o => o.Id).ToList();
        var approvals = (await db.OrderApprovals.AsNoTracking().Where(a => ids.Contains(a.OrderId)).GroupBy(a => a.OrderId)
            .Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.N);
        var alerts = await (from a in db.OrderAlerts.AsNoTracking()
                            join o in db.LegalOrders.AsNoTracking() on a.OrderId equals o.Id
                            where o.State != OrderState.Rejected && o.State != OrderState.Disclosed && o.State != OrderState.Removed
                                && o.State != OrderState.Closed && o.State != OrderState.Preserved
                            orderby a.RaisedAt descending
                            select new LegalPages.AlertRow(a, o.Reference)).Take(50).ToListAsync(ct);
        return LegalPages.Inbox(orders, approvals, alerts, state, rules?.Code, now);
    }

    private static Task<IResult> OrderAsync(long id, HttpContext http, CancellationToken ct) =>
        RenderOrderAsync(id, http, null, StatusCodes.Status200OK, ct);

    private static async Task<IResult> RenderOrderAsync(long id, HttpContext http, string? error, int status, CancellationToken ct)
    {
        var services = http.RequestServices;
        // A fresh context: a refused action may have left the request's context with discarded changes.
        await using var db = services.GetRequiredService<VigilStore>().CreateContext();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var order = await db.LegalOrders.AsNoTracking().Include(o => o.Authority).Include(o => o.Tasks).ThenInclude(t => t.Selectors)
            .Include(o => o.Transitions).AsSplitQuery().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is null)
        {
            return LegalPages.Message("Not found", $"Order {id} does not exist.", StatusCodes.Status404NotFound);
        }
        order.Tasks.Sort((a, b) => a.Id.CompareTo(b.Id));
        var documents = await db.OrderDocuments.AsNoTracking().Where(d => d.OrderId == id).OrderBy(d => d.Id)
            .Select(d => new LegalPages.DocumentRow(d.Id, d.Reference, d.DocumentType, d.ContentType, d.Sha256, d.Content.Length)).ToListAsync(ct);
        var view = new LegalPages.OrderView(
            order,
            OrderValidation.Validate(order, order.Authority!, now),
            documents,
            await db.OrderApprovals.AsNoTracking().Where(a => a.OrderId == id).OrderBy(a => a.At).ToListAsync(ct),
            await db.OrderTaskDecisions.AsNoTracking().Where(a => a.OrderId == id).OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync(ct),
            await db.OrderMessages.AsNoTracking().Where(a => a.OrderId == id).OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync(ct),
            await db.PreservationHolds.AsNoTracking().Where(h => h.OrderId == id).OrderBy(h => h.Id).ToListAsync(ct),
            await db.OrderAlerts.AsNoTracking().Where(a => a.OrderId == id).OrderBy(a => a.RaisedAt).ToListAsync(ct),
            await db.OrderRemovals.AsNoTracking().Where(a => a.OrderId == id).OrderBy(a => a.Id).ToListAsync(ct),
            LegalActor.Of(http.User),
            now);
        var tokens = services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return LegalPages.Order(tokens, view, error, status);
    }

    private static async Task<IResult> DocumentAsync(long id, long doc, HttpContext http, VigilDb db, LedgerLog ledger, CancellationToken ct)
    {
        var d = await db.OrderDocuments.AsNoTracking().FirstOrDefaultAsync(x => x.Id == doc && x.OrderId == id, ct);
        if (d is null)
        {
            return Results.NotFound();
        }
        var actor = LegalActor.Of(http.User);
        await ledger.AppendAsync(OrderLifecycle.Event(actor.User, actor.Role, "order.document_downloaded", id,
            string.Create(CultureInfo.InvariantCulture, $"document {d.Id} ({d.DocumentType}) sha256 {d.Sha256}")), ct);
        http.Response.Headers.CacheControl = "no-store";
        // Always an attachment: an authority's file is never rendered in the desk's origin.
        var ext = d.ContentType switch { "application/pdf" => ".pdf", "application/xml" or "text/xml" => ".xml", "application/json" => ".json", _ => ".bin" };
        return Results.File(d.Content, "application/octet-stream", string.Create(CultureInfo.InvariantCulture, $"order-{id}-document-{d.Id}{ext}"));
    }
}
