using System.Globalization;
using Vigil.Ledger;

namespace Vigil.Referrals;

/// <summary>Ledger actions of referrals. Events name referrals, authorities and package hashes, never content.</summary>
public static class ReferralAudit
{
    public const string SubjectType = "referral";
    public const string Actor = "system:referrals";
    public const string ActorRole = "system";
    public const string Created = "referral.created";
    public const string Refused = "referral.refused";
    public const string Routed = "referral.routed";
    public const string NoAuthority = "referral.no_authority";
    public const string Delivered = "referral.delivered";
    public const string Acknowledged = "referral.acknowledged";
    public const string Failed = "referral.failed";
    public const string Dead = "referral.dead";
    public const string Downloaded = "referral.package_downloaded";

    public static LedgerSubject Subject(long id) => new(SubjectType, id.ToString(CultureInfo.InvariantCulture));

    /// <summary>A system event about referral <paramref name="id"/>.</summary>
    public static LedgerEvent System(string action, long id, string reason, byte[]? payloadSha256 = null) =>
        new(Actor, ActorRole, action, Subject(id), Cut(reason), payloadSha256);

    /// <summary>Cuts to the ledger's reason length without splitting a surrogate pair.</summary>
    public static string Cut(string s, int max = LedgerEvent.MaxReasonLength)
    {
        s = string.IsNullOrEmpty(s) ? "(empty)" : s;
        return s.Length <= max ? s : char.IsHighSurrogate(s[max - 1]) ? s[..(max - 1)] : s[..max];
    }
}

/// <summary>Wakes the referral dispatcher when referrals were created (it also polls).</summary>
public static class ReferralSignal
{
    private static TaskCompletionSource current = New();

    /// <summary>Completes at the next <see cref="Notify"/>; take it before reading so no wake-up is lost.</summary>
    public static Task Next => Volatile.Read(ref current).Task;

    public static void Notify() => Interlocked.Exchange(ref current, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
