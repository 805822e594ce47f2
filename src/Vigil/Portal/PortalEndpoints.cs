using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Vigil.Accounts;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Storage;

namespace Vigil.Portal;

/// <summary>
/// The authority portal under <c>/portal</c>: a portal user sees and sends only their own authority's orders. Every
/// route requires <see cref="AuthorityPortal.Policy"/> (which also checks that the authority is still active).
/// </summary>
public static class PortalEndpoints
{
    public const string ActionReceived = "order.received";

    /// <summary>A portal form refused for its errors (subject: the authority; nothing was created).</summary>
    public const string ActionRefused = "order.refused";

    public static void MapPortal(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/portal", ListAsync).RequireAuthorization(AuthorityPortal.Policy).ExcludeFromDescription();
        app.MapGet("/portal/orders", ListAsync).RequireAuthorization(AuthorityPortal.Policy).ExcludeFromDescription();
        app.MapGet("/portal/orders/{id:long}", OrderAsync).RequireAuthorization(AuthorityPortal.Policy).ExcludeFromDescription();
        app.MapGet("/portal/orders/new", NewAsync).RequireAuthorization(AuthorityPortal.Policy).ExcludeFromDescription();
        app.MapPost("/portal/orders", SubmitAsync).RequireAuthorization(AuthorityPortal.Policy).ExcludeFromDescription();
        app.MapPost("/portal/logout", async (HttpContext http, IFormCollection _, SignInManager<StaffUser> signIn, LedgerLog ledger, CancellationToken ct) =>
        {
            var email = http.User.Identity?.Name ?? "unknown";
            await signIn.SignOutAsync();
            await ledger.AppendAsync(AccountAudit.Event(email, StaffRoles.AuthorityUser, AccountAudit.Logout, email, "signed out of the authority portal"), ct);
            return Results.Redirect("/login");
        }).RequireAuthorization(AuthorityPortal.Policy).ExcludeFromDescription();
    }

    private static async Task<Authority> AuthorityAsync(HttpContext http, VigilDb db, CancellationToken ct)
    {
        // The policy guarantees the claim; the authorization handler has just checked the authority is active.
        var id = AuthorityPortal.AuthorityIdOf(http.User) ?? throw new InvalidOperationException("portal route reached without an authority claim");
        return await db.Authorities.AsNoTracking().FirstAsync(a => a.Id == id, ct);
    }

    private static async Task<IResult> ListAsync(HttpContext http, VigilDb db, IAntiforgery af, CancellationToken ct)
    {
        var authority = await AuthorityAsync(http, db, ct);
        var orders = await db.LegalOrders.AsNoTracking().Where(o => o.AuthorityId == authority.Id)
            .OrderByDescending(o => o.ReceivedAt).ThenByDescending(o => o.Id).Take(500).ToListAsync(ct);
        var notice = http.Request.Query["sent"].ToString() is { Length: > 0 } sent ? $"Request {sent} received." : null;
        return PortalPages.Orders(authority, af.GetAndStoreTokens(http), orders, notice);
    }

    private static async Task<IResult> OrderAsync(long id, HttpContext http, VigilDb db, IAntiforgery af, CancellationToken ct)
    {
        var authority = await AuthorityAsync(http, db, ct);
        // Another authority's order is indistinguishable from a missing one.
        var order = await db.LegalOrders.AsNoTracking().AsSplitQuery()
            .Include(o => o.Tasks).ThenInclude(t => t.Selectors).Include(o => o.Documents).Include(o => o.Transitions)
            .FirstOrDefaultAsync(o => o.Id == id && o.AuthorityId == authority.Id, ct);
        return order is null ? PortalPages.NotFound(authority, af.GetAndStoreTokens(http)) : PortalPages.Order(authority, af.GetAndStoreTokens(http), order);
    }

    private static async Task<IResult> NewAsync(HttpContext http, VigilDb db, IAntiforgery af, CancellationToken ct) =>
        PortalPages.Form(await AuthorityAsync(http, db, ct), af.GetAndStoreTokens(http), PortalForm.Values.Empty, []);

    private static async Task<IResult> SubmitAsync(HttpContext http, IFormCollection form, VigilDb db, IAntiforgery af, LedgerLog ledger, TimeProvider time, CancellationToken ct)
    {
        var authority = await AuthorityAsync(http, db, ct);
        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("signed-in user without an id");
        var actor = http.User.Identity?.Name ?? userId;
        var now = time.GetUtcNow();
        var read = await PortalForm.ReadAsync(form, authority, userId, now, ct);
        if (read.Order is not { } order)
        {
            await ledger.AppendAsync(AuthorityRegistry.Event(actor, StaffRoles.AuthorityUser, ActionRefused, authority.Code,
                $"portal form refused: {string.Join("; ", read.Errors.Select(e => $"{e.Field}: {e.Code}"))}"), ct);
            return PortalPages.Form(authority, af.GetAndStoreTokens(http), read.Values, read.Errors, StatusCodes.Status400BadRequest);
        }
        OrderLifecycle.StartClock(order);
        var events = new List<LedgerEvent>();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.LegalOrders.Add(order);
            // Saved first so the transitions below carry the order's id.
            await db.SaveChangesAsync(ct);
            var doc = order.Documents[0];
            events.Add(OrderLifecycle.Event(actor, StaffRoles.AuthorityUser, ActionReceived, order.Id,
                $"portal form from {authority.Code}: {InstrumentRules.For(order.Instrument).Code} {order.Reference}{(order.Emergency ? " (emergency)" : "")}, "
                + $"{order.Tasks.Count} task(s), document sha256 {doc.Sha256}") with { PayloadSha256 = Convert.FromHexString(doc.Sha256) });
            events.Add(OrderLifecycle.Move(db, order, OrderState.Authenticated, actor, StaffRoles.AuthorityUser,
                "submitted by a portal user signed in with password and two-factor code", now));
            events.Add(OrderLifecycle.Move(db, order, OrderState.UnderReview, actor, StaffRoles.AuthorityUser,
                order.Emergency ? "emergency request: held for the verification callback before any disclosure" : "awaiting legal review", now));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await ledger.AppendBatchAsync(events, ct);
        return Results.Redirect($"/portal/orders?sent={Uri.EscapeDataString(order.Reference)}");
    }
}
