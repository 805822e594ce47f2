using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Vigil.Ingest;
using Vigil.Ledger;
using Vigil.Storage;
using Vigil.Webhooks;

namespace Vigil.Moderation;

/// <summary>A request the desk refuses, with the HTTP status and a message that names the field or rule.</summary>
public sealed class DeskRefusalException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>The staff user acting: user name (e-mail) and roles, as written to the ledger.</summary>
public sealed record DeskActor(string User, string Roles);

/// <summary>Queue filters; null means any.</summary>
public sealed record QueueFilter(string? Queue = null, ReviewCaseKind? Kind = null, ReviewCaseState? State = null, long? PlatformId = null);

/// <summary>What a moderator submits to decide a case.</summary>
public sealed record DecisionInput(string? PolicyId, string? Outcome, string? Facts, string? AutomatedDecision, string? TerritorialScope, IReadOnlyList<string> ContentTypes);

/// <summary>Agreement figures of quality samples.</summary>
public sealed record Agreement(string Key, int Samples, int Agreed)
{
    public double Rate => Samples == 0 ? 0 : (double)Agreed / Samples;
}

/// <summary>
/// The moderation desk's operations on the review queue: list, take, assign, reveal, decide, appeal, sample. Every
/// staff action is written to the ledger; concurrent moderators are kept apart by conditional updates.
/// </summary>
public sealed class ModerationDesk(VigilDb db, LedgerLog ledger, TimeProvider time, DeskOptions options, ContentPolicy policy)
{
    public const string SubjectCase = "review_case";
    public const string SubjectItem = "ingest_item";
    public const string ActionAssign = "desk.assign";
    public const string ActionReveal = "desk.reveal";
    public const string ActionDecide = "desk.decide";
    public const string ActionAppealFiled = "appeal.filed";
    public const string ActionAppealDecided = "appeal.decided";
    public const string ActionQualityDecided = "quality.decided";
    public const string ActionExport = "dsa.export";

    /// <summary>EU member states plus the other EEA countries (ISO 3166-1 alpha-2; Greece as GR, as the DSA database uses).</summary>
    public static readonly FrozenSet<string> EuCountries = FrozenSet.ToFrozenSet(
        ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"], StringComparer.Ordinal);

    public static readonly FrozenSet<string> EeaCountries = FrozenSet.ToFrozenSet([.. EuCountries, "IS", "LI", "NO"], StringComparer.Ordinal);

    public ContentPolicy Policy => policy;

    public DeskOptions Options => options;

    private IQueryable<ReviewCase> Filtered(QueueFilter f)
    {
        var q = db.ReviewCases.AsNoTracking();
        q = f.State is { } s ? q.Where(c => c.State == s) : q.Where(c => c.State != ReviewCaseState.Decided);
        if (!string.IsNullOrEmpty(f.Queue))
        {
            q = q.Where(c => c.Queue == f.Queue);
        }
        if (f.Kind is { } k)
        {
            q = q.Where(c => c.Kind == k);
        }
        if (f.PlatformId is { } p)
        {
            q = q.Where(c => c.PlatformId == p);
        }
        return q;
    }

    /// <summary>One page of cases (open and assigned unless a state is asked), highest priority first, then oldest.</summary>
    public async Task<(IReadOnlyList<ReviewCase> Cases, int Total)> ListAsync(QueueFilter filter, int page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var q = Filtered(filter);
        var total = await q.CountAsync(ct);
        var cases = await q.OrderByDescending(c => c.Priority).ThenBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Skip(Math.Max(0, page - 1) * options.PageSize).Take(options.PageSize).ToListAsync(ct);
        return (cases, total);
    }

    /// <summary>Open and assigned cases per queue.</summary>
    public async Task<IReadOnlyList<(string Queue, int Open, int Assigned)>> CountsAsync(CancellationToken ct)
    {
        var rows = await db.ReviewCases.AsNoTracking().Where(c => c.State != ReviewCaseState.Decided)
            .GroupBy(c => new { c.Queue, c.State }).Select(g => new { g.Key.Queue, g.Key.State, N = g.Count() }).ToListAsync(ct);
        return [.. rows.GroupBy(r => r.Queue).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Where(r => r.State == ReviewCaseState.Open).Sum(r => r.N), g.Where(r => r.State == ReviewCaseState.Assigned).Sum(r => r.N)))];
    }

    /// <summary>
    /// Assigns the top open case (priority, then age) that <paramref name="actor"/> may work to them. Safe under
    /// concurrency: the update only succeeds while the case is still open, so two moderators never get the same case.
    /// </summary>
    public async Task<ReviewCase?> TakeNextAsync(DeskActor actor, QueueFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(filter);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var candidates = await Filtered(filter with { State = ReviewCaseState.Open })
                .Where(c => c.ExcludedReviewer == null || c.ExcludedReviewer != actor.User)
                .OrderByDescending(c => c.Priority).ThenBy(c => c.CreatedAt).ThenBy(c => c.Id)
                .Select(c => c.Id).Take(10).ToListAsync(ct);
            if (candidates.Count == 0)
            {
                return null;
            }
            foreach (var id in candidates)
            {
                if (await TryAssignAsync(id, actor, ct) is { } taken)
                {
                    return taken;
                }
            }
        }
        return null;
    }

    /// <summary>Assigns one open case to <paramref name="actor"/>; refused when taken or when they decided its parent.</summary>
    public async Task<ReviewCase> AssignAsync(long caseId, DeskActor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var c = await db.ReviewCases.AsNoTracking().FirstOrDefaultAsync(x => x.Id == caseId, ct)
            ?? throw new DeskRefusalException(404, $"case {caseId} not found");
        if (c.ExcludedReviewer == actor.User)
        {
            throw new DeskRefusalException(403, ExcludedMessage(c.Kind));
        }
        if (c.State != ReviewCaseState.Open)
        {
            throw new DeskRefusalException(409, c.State == ReviewCaseState.Decided ? $"case {caseId} is already decided" : $"case {caseId} is already assigned to {c.AssignedTo}");
        }
        return await TryAssignAsync(caseId, actor, ct) ?? throw new DeskRefusalException(409, $"case {caseId} was just taken by someone else");
    }

    private static string ExcludedMessage(ReviewCaseKind kind) => kind == ReviewCaseKind.Appeal
        ? "an appeal must be decided by a different reviewer than the one who took the original decision"
        : "a quality sample is never reviewed by the moderator who took the original decision";

    private async Task<ReviewCase?> TryAssignAsync(long id, DeskActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var user = actor.User;
        var n = await db.ReviewCases.Where(c => c.Id == id && c.State == ReviewCaseState.Open && (c.ExcludedReviewer == null || c.ExcludedReviewer != user))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, ReviewCaseState.Assigned).SetProperty(c => c.AssignedTo, user).SetProperty(c => c.AssignedAt, now), ct);
        if (n == 0)
        {
            return null;
        }
        await ledger.AppendAsync(Event(actor, ActionAssign, SubjectCase, id, "case assigned to the moderator"), ct);
        return await db.ReviewCases.AsNoTracking().FirstAsync(c => c.Id == id, ct);
    }

    /// <summary>Logs that <paramref name="actor"/> revealed the image of a case (ledger and <c>image_reveals</c>).</summary>
    public async Task RevealAsync(long caseId, DeskActor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var c = await db.ReviewCases.AsNoTracking().FirstOrDefaultAsync(x => x.Id == caseId, ct)
            ?? throw new DeskRefusalException(404, $"case {caseId} not found");
        var item = await db.IngestItems.AsNoTracking().Where(i => i.Id == c.IngestItemId).Select(i => new { i.E2ee, HasImage = i.Image != null }).FirstAsync(ct);
        if (item.E2ee || !item.HasImage)
        {
            throw new DeskRefusalException(409, "this item has no image to reveal");
        }
        db.ImageReveals.Add(new ImageReveal { CaseId = caseId, IngestItemId = c.IngestItemId, StaffUser = actor.User, RevealedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(Event(actor, ActionReveal, SubjectItem, c.IngestItemId,
            string.Create(CultureInfo.InvariantCulture, $"image revealed unblurred while reviewing case {caseId}")), ct);
    }

    /// <summary>Whether <paramref name="user"/> revealed this case's image.</summary>
    public Task<bool> RevealedCaseAsync(long caseId, string user, CancellationToken ct) =>
        db.ImageReveals.AnyAsync(r => r.CaseId == caseId && r.StaffUser == user, ct);

    /// <summary>Whether <paramref name="user"/> revealed this item's image (through any case).</summary>
    public Task<bool> RevealedItemAsync(long itemId, string user, CancellationToken ct) =>
        db.ImageReveals.AnyAsync(r => r.IngestItemId == itemId && r.StaffUser == user, ct);

    /// <summary>
    /// Decides a case assigned to <paramref name="actor"/>: stores the decision with its statement of reasons, closes
    /// the case, tells the platform through the outbox, draws a quality sample, and writes the ledger.
    /// </summary>
    public async Task<ModerationDecision> DecideAsync(long caseId, DeskActor actor, DecisionInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(input);
        var c = await db.ReviewCases.AsNoTracking().FirstOrDefaultAsync(x => x.Id == caseId, ct)
            ?? throw new DeskRefusalException(404, $"case {caseId} not found");
        if (c.ExcludedReviewer == actor.User)
        {
            throw new DeskRefusalException(403, ExcludedMessage(c.Kind));
        }
        if (c.State == ReviewCaseState.Decided)
        {
            throw new DeskRefusalException(409, $"case {caseId} is already decided");
        }
        if (c.State != ReviewCaseState.Assigned || c.AssignedTo != actor.User)
        {
            throw new DeskRefusalException(409, $"case {caseId} is not assigned to you: take it first");
        }
        var item = await db.IngestItems.AsNoTracking().FirstAsync(i => i.Id == c.IngestItemId, ct);
        var parent = c.ParentCaseId is { } pid ? await db.ModerationDecisions.AsNoTracking().FirstOrDefaultAsync(d => d.CaseId == pid, ct) : null;
        var decision = Validate(c, item, parent, actor, input);

        var now = decision.DecidedAt;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var closed = await db.ReviewCases.Where(x => x.Id == caseId && x.State == ReviewCaseState.Assigned && x.AssignedTo == actor.User)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, ReviewCaseState.Decided).SetProperty(x => x.DecidedAt, now), ct);
        if (closed == 0)
        {
            throw new DeskRefusalException(409, $"case {caseId} changed while you were deciding it; reload");
        }
        db.ModerationDecisions.Add(decision);
        await db.SaveChangesAsync(ct);
        var events = new List<LedgerEvent>();
        string? appealId = null;
        switch (c.Kind)
        {
            case ReviewCaseKind.Flag:
                if (decision.Outcome != DecisionOutcomes.NoViolation)
                {
                    Outbox.Enqueue(db, c.PlatformId, "decision.made", DecisionPayload(decision), now);
                }
                if (Sampled(decision.Id, options.QualitySampleRate))
                {
                    db.ReviewCases.Add(new ReviewCase
                    {
                        PlatformId = c.PlatformId,
                        IngestItemId = c.IngestItemId,
                        Kind = ReviewCaseKind.QualitySample,
                        State = ReviewCaseState.Open,
                        Queue = c.Queue,
                        Priority = 0,
                        RuleId = c.RuleId,
                        Reason = c.Reason,
                        CreatedAt = now,
                        ParentCaseId = c.Id,
                        ExcludedReviewer = actor.User,
                    });
                }
                events.Add(Event(actor, ActionDecide, SubjectCase, caseId, $"decided {decision.Outcome} under policy {decision.PolicyId}", Hash(decision.Facts)));
                break;
            case ReviewCaseKind.Appeal:
                var appeal = await db.Appeals.AsNoTracking().FirstOrDefaultAsync(a => a.CaseId == caseId, ct);
                appealId = appeal?.AppealId;
                Outbox.Enqueue(db, c.PlatformId, "appeal.resolved", new
                {
                    AppealId = appealId,
                    decision.ItemId,
                    decision.AccountId,
                    DecisionId = decision.Id,
                    decision.Outcome,
                    OriginalDecisionId = parent?.Id,
                    OriginalOutcome = parent?.Outcome,
                    // What the platform undoes on a reversal: the restriction the original decision imposed.
                    Restore = decision.Outcome == DecisionOutcomes.Reversed ? Restoration(parent?.Outcome) : null,
                    StatementOfReasons = new { decision.Facts, Policy = decision.PolicyId },
                }, now);
                events.Add(Event(actor, ActionAppealDecided, SubjectCase, caseId, $"appeal {decision.Outcome} (original decision {parent?.Id})", Hash(decision.Facts)));
                break;
            default:
                events.Add(Event(actor, ActionQualityDecided, SubjectCase, caseId,
                    $"quality sample decided {decision.Outcome}; {(decision.Agrees == true ? "agrees" : "disagrees")} with decision {parent?.Id}"));
                break;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await ledger.AppendBatchAsync(events, ct);
        return decision;
    }

    private static string? Restoration(string? outcome) => outcome switch
    {
        DecisionOutcomes.Remove => "content",
        DecisionOutcomes.RestrictVisibility => "visibility",
        DecisionOutcomes.AgeRestrict => "age_restriction",
        DecisionOutcomes.Label => "label",
        DecisionOutcomes.SuspendAccount => "account",
        _ => null,
    };

    /// <summary>The <c>decision.made</c> webhook body: the decision and its statement of reasons.</summary>
    public static object DecisionPayload(ModerationDecision d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new
        {
            d.ItemId,
            d.AccountId,
            DecisionId = d.Id,
            d.Outcome,
            Policy = d.PolicyId,
            StatementOfReasons = new
            {
                d.Facts,
                Ground = d.Ground,
                d.GroundReference,
                AutomatedDetection = d.AutomatedDetection,
                d.AutomatedDecision,
                TerritorialScope = d.TerritorialScope.Split(','),
                ContentType = d.ContentType.Split(','),
                d.Category,
                DecidedAt = d.DecidedAt,
            },
        };
    }

    private ModerationDecision Validate(ReviewCase c, IngestItem item, ModerationDecision? parent, DeskActor actor, DecisionInput input)
    {
        var outcome = (input.Outcome ?? "").Trim();
        var facts = (input.Facts ?? "").Trim();
        var allowed = c.Kind == ReviewCaseKind.Appeal ? DecisionOutcomes.Appeal : DecisionOutcomes.Review;
        if (!allowed.Contains(outcome, StringComparer.Ordinal))
        {
            throw new DeskRefusalException(400, $"outcome: must be one of {string.Join(", ", allowed)}");
        }
        if (c.Kind == ReviewCaseKind.Appeal && parent is null)
        {
            throw new DeskRefusalException(409, "the appealed decision is missing");
        }
        var policyId = (input.PolicyId ?? "").Trim();
        if (policyId.Length == 0 && c.Kind == ReviewCaseKind.Appeal)
        {
            policyId = parent!.PolicyId;
        }
        var needsReasons = DecisionOutcomes.IsAction(outcome) || c.Kind == ReviewCaseKind.Appeal;
        PolicyEntry? p = null;
        if (policyId.Length == 0 || policyId == "none")
        {
            if (DecisionOutcomes.IsAction(outcome))
            {
                throw new DeskRefusalException(400, "policy: an action must name the policy it enforces");
            }
            policyId = "none";
        }
        else if (!policy.ById.TryGetValue(policyId, out p))
        {
            throw new DeskRefusalException(400, $"policy: '{policyId}' is not in the content policy");
        }
        if (needsReasons && facts.Length == 0)
        {
            throw new DeskRefusalException(400, "facts: the statement of reasons needs the facts and circumstances relied on");
        }
        if (facts.Length > 5000)
        {
            throw new DeskRefusalException(400, "facts: at most 5000 characters");
        }
        var automation = string.IsNullOrWhiteSpace(input.AutomatedDecision) ? "none" : input.AutomatedDecision.Trim();
        if (!DecisionOutcomes.Automation.Contains(automation, StringComparer.Ordinal))
        {
            throw new DeskRefusalException(400, "automated_decision: must be none, partial or full");
        }
        var scope = NormaliseScope(input.TerritorialScope);
        var types = input.ContentTypes.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (types.Count == 0)
        {
            types = DefaultContentTypes(item);
        }
        if (types.FirstOrDefault(t => !DecisionOutcomes.ContentTypes.Contains(t, StringComparer.Ordinal)) is { } bad)
        {
            throw new DeskRefusalException(400, $"content_type: '{bad}' is not one of {string.Join(", ", DecisionOutcomes.ContentTypes)}");
        }
        return new ModerationDecision
        {
            CaseId = c.Id,
            CaseKind = c.Kind,
            PlatformId = c.PlatformId,
            IngestItemId = c.IngestItemId,
            ItemId = item.ItemId,
            AccountId = item.AccountId,
            PolicyId = policyId,
            Outcome = outcome,
            DecidedBy = actor.User,
            DecidedAt = time.GetUtcNow(),
            Facts = facts,
            AutomatedDetection = c.RuleId is not null,
            AutomatedDecision = automation,
            TerritorialScope = scope,
            ContentType = string.Join(',', types),
            ContentDate = item.CreatedAt,
            Ground = p is null ? "none" : p.Ground == PolicyGround.Illegal ? "illegal" : "incompatible",
            GroundReference = p?.Reference ?? "",
            Category = p?.Category ?? "",
            ParentDecisionId = parent?.Id,
            Agrees = c.Kind == ReviewCaseKind.QualitySample && parent is not null ? parent.Outcome == outcome : null,
        };
    }

    /// <summary>The content types an item has: text and/or image.</summary>
    public static List<string> DefaultContentTypes(IngestItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var types = new List<string>();
        if (!string.IsNullOrEmpty(item.Text))
        {
            types.Add("text");
        }
        if (item.Image is not null || item.ImageSha256 is not null)
        {
            types.Add("image");
        }
        if (types.Count == 0)
        {
            types.Add("other");
        }
        return types;
    }

    /// <summary>"EU" (or empty) or a list of EU/EEA country codes separated by commas or spaces.</summary>
    public static string NormaliseScope(string? scope)
    {
        var parts = (scope ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
        if (parts.Count == 0 || (parts.Count == 1 && parts[0] == "EU"))
        {
            return "EU";
        }
        if (parts.FirstOrDefault(x => !EeaCountries.Contains(x)) is { } bad)
        {
            throw new DeskRefusalException(400, $"territorial_scope: '{bad}' is not an EU/EEA country code (or use EU)");
        }
        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    /// <summary>Deterministic draw: a decision is sampled when the hash of its id falls under the rate.</summary>
    public static bool Sampled(long decisionId, double rate)
    {
        if (rate <= 0)
        {
            return false;
        }
        if (rate >= 1)
        {
            return true;
        }
        Span<byte> id = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(id, decisionId);
        var h = SHA256.HashData(id);
        var u = BinaryPrimitives.ReadUInt64BigEndian(h) / (double)ulong.MaxValue;
        return u < rate;
    }

    /// <summary>
    /// Files an appeal against the latest decision on an item: an Appeal case due after the configured deadline,
    /// never assigned to the original decider. Idempotent by (platform, appeal id).
    /// </summary>
    public async Task<(Appeal Appeal, bool Created)> FileAppealAsync(long platformId, string? appealId, long ingestItemId, string accountId, string text, string filedBy, DeskActor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        text = (text ?? "").Trim();
        if (text.Length == 0)
        {
            throw new DeskRefusalException(400, "text: the complaint text is required");
        }
        if (text.Length > 5000)
        {
            throw new DeskRefusalException(400, "text: at most 5000 characters");
        }
        if (appealId is not null)
        {
            var existing = await db.Appeals.AsNoTracking().FirstOrDefaultAsync(a => a.PlatformId == platformId && a.AppealId == appealId, ct);
            if (existing is not null)
            {
                if (existing.IngestItemId != ingestItemId || existing.AccountId != accountId || existing.Text != text)
                {
                    throw new DeskRefusalException(409, $"appeal_id: '{appealId}' was already filed with different content");
                }
                return (existing, false);
            }
        }
        var original = await db.ModerationDecisions.AsNoTracking()
            .Where(d => d.IngestItemId == ingestItemId && d.CaseKind == ReviewCaseKind.Flag)
            .OrderByDescending(d => d.DecidedAt).ThenByDescending(d => d.Id).FirstOrDefaultAsync(ct)
            ?? throw new DeskRefusalException(409, "item_id: no moderation decision on this item to appeal");
        if (original.AccountId != accountId)
        {
            throw new DeskRefusalException(400, "account_id: does not match the item's account");
        }
        var parentCase = await db.ReviewCases.AsNoTracking().FirstAsync(c => c.Id == original.CaseId, ct);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var appealCase = new ReviewCase
        {
            PlatformId = platformId,
            IngestItemId = ingestItemId,
            Kind = ReviewCaseKind.Appeal,
            State = ReviewCaseState.Open,
            Queue = parentCase.Queue,
            // Appeals carry a legal deadline, so they rank above fresh flags of the same queue.
            Priority = parentCase.Priority + 1,
            RuleId = parentCase.RuleId,
            Reason = "appeal: " + Cut(text, 500),
            CreatedAt = now,
            DueAt = now + options.AppealDeadline,
            ParentCaseId = parentCase.Id,
            ExcludedReviewer = original.DecidedBy,
        };
        db.ReviewCases.Add(appealCase);
        await db.SaveChangesAsync(ct);
        var appeal = new Appeal
        {
            PlatformId = platformId,
            AppealId = appealId,
            IngestItemId = ingestItemId,
            AccountId = accountId,
            Text = text,
            OriginalDecisionId = original.Id,
            CaseId = appealCase.Id,
            FiledAt = now,
            FiledBy = filedBy,
        };
        db.Appeals.Add(appeal);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException) when (appealId is not null)
        {
            // Another request with the same appeal id won the race: answer with its appeal.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var winner = await db.Appeals.AsNoTracking().FirstOrDefaultAsync(a => a.PlatformId == platformId && a.AppealId == appealId, ct);
            return winner is null ? throw new DeskRefusalException(409, "appeal_id: conflicting concurrent appeal") : (winner, false);
        }
        await ledger.AppendAsync(Event(actor, ActionAppealFiled, SubjectCase, appealCase.Id,
            string.Create(CultureInfo.InvariantCulture, $"appeal against decision {original.Id} filed by {filedBy}"), Hash(text)), ct);
        return (appeal, true);
    }

    /// <summary>Agreement of decided quality samples: overall, per queue, per original moderator.</summary>
    public async Task<(Agreement Overall, IReadOnlyList<Agreement> PerQueue, IReadOnlyList<Agreement> PerModerator)> AgreementAsync(CancellationToken ct)
    {
        var rows = await (from d in db.ModerationDecisions.AsNoTracking()
                          where d.CaseKind == ReviewCaseKind.QualitySample && d.Agrees != null
                          join c in db.ReviewCases.AsNoTracking() on d.CaseId equals c.Id
                          join o in db.ModerationDecisions.AsNoTracking() on d.ParentDecisionId equals o.Id
                          select new { c.Queue, Original = o.DecidedBy, Agrees = d.Agrees!.Value }).ToListAsync(ct);
        static Agreement Of(string key, IEnumerable<bool> xs)
        {
            var l = xs.ToList();
            return new Agreement(key, l.Count, l.Count(x => x));
        }
        return (Of("overall", rows.Select(r => r.Agrees)),
            [.. rows.GroupBy(r => r.Queue).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Of(g.Key, g.Select(r => r.Agrees)))],
            [.. rows.GroupBy(r => r.Original).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Of(g.Key, g.Select(r => r.Agrees)))]);
    }

    internal static LedgerEvent Event(DeskActor actor, string action, string subjectType, long subjectId, string reason, byte[]? payload = null) =>
        new(Cut(actor.User, LedgerEvent.MaxNameLength), Cut(actor.Roles, LedgerEvent.MaxNameLength), action,
            new LedgerSubject(subjectType, subjectId.ToString(CultureInfo.InvariantCulture)), Cut(reason, LedgerEvent.MaxReasonLength), payload);

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    private static string Cut(string s, int n)
    {
        s = string.IsNullOrEmpty(s) ? "(empty)" : s;
        return s.Length <= n ? s : char.IsHighSurrogate(s[n - 1]) ? s[..(n - 1)] : s[..n];
    }
}
