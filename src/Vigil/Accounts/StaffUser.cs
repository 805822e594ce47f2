using Microsoft.AspNetCore.Identity;

namespace Vigil.Accounts;

/// <summary>A staff account: the user name is the e-mail address; two-factor (TOTP) is always on.</summary>
public sealed class StaffUser : IdentityUser;

/// <summary>The staff roles; each is also the name of the authorization policy that requires it.</summary>
public static class StaffRoles
{
    public const string Moderator = "moderator";
    public const string TrustAndSafetyLead = "trust_and_safety_lead";
    public const string LegalOfficer = "legal_officer";
    public const string Overseer = "overseer";
    public const string Admin = "admin";

    /// <summary>Policy satisfied by any of the roles above.</summary>
    public const string AnyStaff = "staff";

    public static readonly IReadOnlyList<string> All = [Moderator, TrustAndSafetyLead, LegalOfficer, Overseer, Admin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
