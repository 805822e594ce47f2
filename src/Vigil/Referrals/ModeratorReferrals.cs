using Microsoft.EntityFrameworkCore;
using Vigil.Ledger;
using Vigil.Pipeline;
using Vigil.Storage;

namespace Vigil.Referrals;

/// <summary>A refused desk referral: the form field at fault and why.</summary>
public sealed class ReferralRefusedException(int status, string field, string message) : Exception(message)
{
    public ReferralRefusedException() : this(400, "", "referral refused") { }

    public ReferralRefusedException(string message) : this(400, "", message) { }

    public ReferralRefusedException(string message, Exception inner) : this(400, "", message + ": " + inner.Message) { }

    public int Status { get; } = status;

    public string Field { get; } = field;
}

/// <summary>Referrals made by a moderator from a desk case ("Refer to authority").</summary>
public static class ModeratorReferrals
{
    public const int MaxReasonLength = 2000;

    /// <summary>
    /// Creates a pending referral of case <paramref name="caseId"/>'s item to the authority of <paramref name="country"/>
    /// (blank: routing falls back to the state of establishment, then Europol), writes it to the ledger and wakes the
    /// dispatcher. Refusals (unknown case, bad country, missing reason) throw <see cref="ReferralRefusedException"/>
    /// and are written to the ledger too.
    /// </summary>
    public static async Task<Referral> CreateAsync(VigilDb db, LedgerLog ledger, long caseId, string? country, string? reason, string actor, string role, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(ledger);
        var c = await db.ReviewCases.AsNoTracking().Where(x => x.Id == caseId).Select(x => new { x.PlatformId, x.IngestItemId }).FirstOrDefaultAsync(ct);
        try
        {
            if (c is null)
            {
                throw new ReferralRefusedException(404, "case", $"case {caseId} not found");
            }
            var code = (country ?? "").Trim().ToUpperInvariant();
            if (code.Length != 0 && (code.Length != 2 || !char.IsAsciiLetter(code[0]) || !char.IsAsciiLetter(code[1])))
            {
                throw new ReferralRefusedException(400, "country", "country: give an ISO 3166-1 alpha-2 code such as DE, or leave it empty");
            }
            var why = (reason ?? "").Trim();
            if (why.Length == 0)
            {
                throw new ReferralRefusedException(400, "reason", "reason: say why this is a threat to life or safety");
            }
            if (why.Length > MaxReasonLength)
            {
                throw new ReferralRefusedException(400, "reason", $"reason: at most {MaxReasonLength} characters ({why.Length} given)");
            }
            var receivedAt = await db.IngestItems.Where(i => i.Id == c.IngestItemId).Select(i => i.ReceivedAt).SingleAsync(ct);
            var r = new Referral
            {
                PlatformId = c.PlatformId,
                IngestItemId = c.IngestItemId,
                AuthorityCountry = code.Length == 0 ? null : code,
                Reason = why,
                State = ReferralState.Pending,
                CreatedAt = now,
                CreatedBy = actor,
                NextAttemptAt = now,
                ItemReceivedAt = receivedAt,
            };
            db.Referrals.Add(r);
            await db.SaveChangesAsync(ct);
            await ledger.AppendAsync(new LedgerEvent(actor, role, ReferralAudit.Created, ReferralAudit.Subject(r.Id),
                ReferralAudit.Cut($"case {caseId}, item {c.IngestItemId}, country {(code.Length == 0 ? "(none: routing falls back)" : code)}: {why}")), ct);
            ReferralSignal.Notify();
            return r;
        }
        catch (ReferralRefusedException e)
        {
            await ledger.AppendAsync(new LedgerEvent(actor, role, ReferralAudit.Refused, new LedgerSubject("review_case", caseId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ReferralAudit.Cut(e.Message)), ct);
            throw;
        }
    }
}
