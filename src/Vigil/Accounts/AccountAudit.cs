using Vigil.Ledger;

namespace Vigil.Accounts;

/// <summary>Ledger actions for accounts and sign-in. Events name the account, never a password or code.</summary>
public static class AccountAudit
{
    public const string SubjectType = "staff_user";
    public const string Created = "account.created";
    public const string RoleGranted = "account.role_granted";
    public const string RoleRevoked = "account.role_revoked";
    public const string Login = "auth.login";
    public const string Logout = "auth.logout";
    public const string LoginFailed = "auth.login_failed";
    public const string TwoFactorFailed = "auth.2fa_failed";
    public const string LockedOut = "auth.locked_out";

    /// <summary>Builds an event; user-supplied names are cut to the ledger's field limit.</summary>
    public static LedgerEvent Event(string actor, string role, string action, string subjectId, string reason) =>
        new(Cut(actor), Cut(role), action, new LedgerSubject(SubjectType, Cut(subjectId)), reason);

    private static string Cut(string s)
    {
        s = string.IsNullOrEmpty(s) ? "(empty)" : s;
        if (s.Length <= LedgerEvent.MaxNameLength)
        {
            return s;
        }
        // Do not split a surrogate pair: the ledger rejects unpaired surrogates.
        int n = LedgerEvent.MaxNameLength;
        return char.IsHighSurrogate(s[n - 1]) ? s[..(n - 1)] : s[..n];
    }
}
