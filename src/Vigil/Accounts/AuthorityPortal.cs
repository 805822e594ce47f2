using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Vigil.Accounts;

/// <summary>The authority portal's access rule: a portal user sees only their own authority's orders and referrals.</summary>
public static class AuthorityPortal
{
    /// <summary>Authorization policy for every portal page and portal API endpoint.</summary>
    public const string Policy = "authority_portal";

    /// <summary>Claim carrying the portal user's authority id (added at sign-in from <see cref="StaffUser.AuthorityId"/>).</summary>
    public const string AuthorityClaim = "vigil:authority";

    /// <summary>The signed-in portal user's authority id; null for anyone else.</summary>
    public static long? AuthorityIdOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsInRole(StaffRoles.AuthorityUser)
            && long.TryParse(user.FindFirstValue(AuthorityClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }
}

/// <summary>Adds the authority claim to a portal user's sign-in principal.</summary>
public sealed class StaffClaimsPrincipalFactory(
    UserManager<StaffUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = await base.GenerateClaimsAsync(user);
        if (user.AuthorityId is { } id)
        {
            identity.AddClaim(new Claim(AuthorityPortal.AuthorityClaim, id.ToString(CultureInfo.InvariantCulture)));
        }
        return identity;
    }
}
