using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Accounts;
using Vigil.Ledger;
using Vigil.Pipeline;
using Vigil.Storage;

namespace Vigil.Referrals;

/// <summary>Routes of referrals: the desk's refer action, the legal officers' page and the authority portal.</summary>
internal static class ReferralEndpoints
{
    public const string PortalRoute = "/portal/referrals";
    public const string LegalRoute = "/legal/referrals";

    public static void Map(WebApplication app)
    {
        app.MapPost("/desk/cases/{id:long}/refer", ReferAsync).RequireAuthorization(StaffRoles.Moderator).ExcludeFromDescription();
        app.MapGet(LegalRoute, LegalAsync).RequireAuthorization(StaffRoles.LegalOfficer).ExcludeFromDescription();
        app.MapGet(PortalRoute, PortalListAsync).RequireAuthorization(AuthorityPortal.Policy).ExcludeFromDescription();
        app.MapGet(PortalRoute + "/{id:long}", PortalDetailAsync).RequireAuthorization(AuthorityPortal.Policy).ExcludeFromDescription();
        app.MapGet(PortalRoute + "/{id:long}/package", PortalPackageAsync).RequireAuthorization(AuthorityPortal.Policy).ExcludeFromDescription();
    }

    private static (string User, string Role) Actor(HttpContext http) => (http.User.Identity?.Name ?? "unknown",
        string.Join(",", http.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal)) is { Length: > 0 } r ? r : "unknown");

    private static async Task<IResult> ReferAsync(long id, HttpContext http, IFormCollection form, VigilDb db, LedgerLog ledger, TimeProvider time, CancellationToken ct)
    {
        var (user, role) = Actor(http);
        try
        {
            var r = await ModeratorReferrals.CreateAsync(db, ledger, id, form["country"].ToString(), form["reason"].ToString(), user, role, time.GetUtcNow(), ct);
            return ReferralPages.Created(id, r);
        }
        catch (ReferralRefusedException e)
        {
            return ReferralPages.Refused(id, e);
        }
    }

    private static async Task<IResult> LegalAsync(VigilDb db, TimeProvider time, CancellationToken ct)
    {
        var counts = await db.Referrals.AsNoTracking().GroupBy(r => r.State).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var e2e = await db.Referrals.AsNoTracking().Where(r => r.EndToEndMs != null).OrderByDescending(r => r.AcknowledgedAt).Take(1000).Select(r => r.EndToEndMs!.Value).ToListAsync(ct);
        var none = await db.Referrals.AsNoTracking().Where(r => r.State == ReferralState.NoAuthority).OrderBy(r => r.CreatedAt).Take(500).ToListAsync(ct);
        var recent = await db.Referrals.AsNoTracking().OrderByDescending(r => r.Id).Take(200).ToListAsync(ct);
        var codes = await db.Authorities.AsNoTracking().Where(a => a.ReceivesReferrals).ToDictionaryAsync(a => a.Id, a => a.Code, ct);
        return ReferralPages.Legal(counts.ToDictionary(kv => kv.Key, kv => kv.Value), e2e, none, recent, codes, time.GetUtcNow());
    }

    private static async Task<IResult> PortalListAsync(HttpContext http, VigilDb db, CancellationToken ct)
    {
        if (AuthorityPortal.AuthorityIdOf(http.User) is not { } authorityId)
        {
            return Results.NotFound();
        }
        var authority = await db.Authorities.AsNoTracking().Where(a => a.Id == authorityId).Select(a => a.Name).FirstOrDefaultAsync(ct);
        var list = await db.Referrals.AsNoTracking().Where(r => r.AuthorityId == authorityId && r.DeliveredAt != null)
            .OrderByDescending(r => r.DeliveredAt).Take(500).ToListAsync(ct);
        return ReferralPages.PortalList(authority ?? "", list);
    }

    private static async Task<Referral?> OwnAsync(HttpContext http, VigilDb db, long id, CancellationToken ct)
    {
        // Only what was delivered to the user's own authority exists for them; everything else is 404.
        var authorityId = AuthorityPortal.AuthorityIdOf(http.User);
        return authorityId is null ? null
            : await db.Referrals.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.AuthorityId == authorityId && r.DeliveredAt != null, ct);
    }

    private static async Task<IResult> PortalDetailAsync(long id, HttpContext http, VigilDb db, CancellationToken ct)
    {
        var r = await OwnAsync(http, db, id, ct);
        return r is null ? Results.NotFound() : ReferralPages.PortalDetail(r);
    }

    private static async Task<IResult> PortalPackageAsync(long id, HttpContext http, VigilDb db, LedgerLog ledger, CancellationToken ct)
    {
        var r = await OwnAsync(http, db, id, ct);
        if (r?.Package is null)
        {
            return Results.NotFound();
        }
        var (user, role) = Actor(http);
        await ledger.AppendAsync(new LedgerEvent(user, role, ReferralAudit.Downloaded, ReferralAudit.Subject(r.Id), "package downloaded from the authority portal", r.PackageSha256), ct);
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(r.Package, "application/pkcs7-mime", $"referral-{r.Id.ToString(CultureInfo.InvariantCulture)}.p7m");
    }
}
