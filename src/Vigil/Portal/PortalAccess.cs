using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Ledger;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Portal;

/// <summary>Who may use the portal: a portal user whose authority is still registered (checked at sign-in and on every request).</summary>
public static class PortalAccess
{
    public const string ActionRefused = "portal.refused";

    /// <summary>True when authority <paramref name="authorityId"/> exists and is not disabled.</summary>
    public static Task<bool> AuthorityActiveAsync(VigilDb db, long authorityId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Authorities.AsNoTracking().AnyAsync(a => a.Id == authorityId && a.DisabledAt == null, ct);
    }

    /// <summary>Where a user lands after two-factor sign-in: portal users go to <c>/portal</c> unless they asked for a portal page.</summary>
    public static string Landing(StaffUser user, string returnUrl)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(returnUrl);
        return user.AuthorityId is null || returnUrl.StartsWith("/portal", StringComparison.Ordinal) ? returnUrl : "/portal";
    }

    /// <summary>
    /// Refuses the sign-in of a portal user whose authority is disabled (signs them out and writes the refusal to the
    /// ledger); null when the user may sign in.
    /// </summary>
    internal static async Task<IResult?> RefuseSignInAsync(HttpContext http, StaffUser user, SignInManager<StaffUser> signIn, LedgerLog ledger, CancellationToken ct)
    {
        if (user.AuthorityId is not { } id || await AuthorityActiveAsync(http.RequestServices.GetRequiredService<VigilDb>(), id, ct))
        {
            return null;
        }
        await signIn.SignOutAsync();
        var email = user.Email ?? user.UserName ?? user.Id;
        await ledger.AppendAsync(AccountAudit.Event("anonymous", "unknown", AccountAudit.LoginFailed, email, "the user's authority is disabled"), ct);
        return Html.Page("Sign in", "<h1>Sign-in refused</h1><p role=\"alert\">Your authority is no longer registered with this platform.</p>", StatusCodes.Status403Forbidden);
    }
}

/// <summary>
/// Adds a check to the <see cref="AuthorityPortal.Policy"/> policy: the user's authority must still be active, read from
/// the database on every request, so disabling an authority stops its signed-in users at once.
/// </summary>
internal sealed class ActiveAuthorityHandler(VigilDb db, LedgerLog ledger) : IAuthorizationHandler
{
    public async Task HandleAsync(AuthorizationHandlerContext context)
    {
        if (!context.Requirements.OfType<ClaimsAuthorizationRequirement>().Any(r => r.ClaimType == AuthorityPortal.AuthorityClaim)
            || AuthorityPortal.AuthorityIdOf(context.User) is not { } id)
        {
            return;
        }
        var ct = (context.Resource as HttpContext)?.RequestAborted ?? CancellationToken.None;
        if (!await PortalAccess.AuthorityActiveAsync(db, id, ct))
        {
            context.Fail(new AuthorizationFailureReason(this, "the user's authority is disabled"));
            var email = context.User.Identity?.Name ?? "unknown";
            await ledger.AppendAsync(AccountAudit.Event(email, StaffRoles.AuthorityUser, PortalAccess.ActionRefused, email, "portal request refused: the user's authority is disabled"), ct);
        }
    }
}
