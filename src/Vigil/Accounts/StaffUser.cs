using Microsoft.AspNetCore.Identity;

namespace Vigil.Accounts;

/// <summary>
/// A staff account or an authority portal user: the user name is the e-mail address; two-factor (TOTP) is always on.
/// Portal users carry <see cref="AuthorityId"/> and only the <see cref="StaffRoles.AuthorityUser"/> role.
/// </summary>
public sealed class StaffUser : IdentityUser
{
    /// <summary>The authority a portal user belongs to; null for platform staff.</summary>
    public long? AuthorityId { get; set; }
}

/// <summary>The staff roles; each is also the name of the authorization policy that requires it.</summary>
public static class StaffRoles
{
    public const string Moderator = "moderator";
    public const string TrustAndSafetyLead = "trust_and_safety_lead";
    public const string LegalOfficer = "legal_officer";
    public const string Overseer = "overseer";
    public const string Admin = "admin";

    /// <summary>
    /// A user of an authority's portal. Not a staff role: it is not in <see cref="All"/>, so no staff policy admits it;
    /// the <see cref="AuthorityPortal.Policy"/> policy requires it and the user's authority claim.
    /// </summary>
    public const string AuthorityUser = "authority_user";

    /// <summary>Policy satisfied by any of the roles above.</summary>
    public const string AnyStaff = "staff";

    public static readonly IReadOnlyList<string> All = [Moderator, TrustAndSafetyLead, LegalOfficer, Overseer, Admin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
