using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Vigil.Banks;
using Vigil.Detection.Rules;
using Vigil.Ingest;
using Vigil.Ledger;
using Vigil.Matching;
using Vigil.Moderation;
using Vigil.Storage;
using Vigil.Webhooks;

namespace Vigil.Pipeline;

/// <summary>What one batch did.</summary>
/// <param name="Claimed">Items taken from the queue (0: nothing waiting, or no rules in force yet).</param>
/// <param name="Decisions">Decision rows written (account events get none).</param>
/// <param name="EnforcedActions">Actions carried out.</param>
public sealed record BatchOutcome(int Claimed, int Decisions, int EnforcedActions, bool WaitingForRules = false);

/// <summary>
/// The detection pipeline's work: claims a batch of unprocessed items in arrival order, computes their signals,
/// evaluates the rules, and in one transaction writes the decisions, carries out the enforced actions and marks
/// the items processed; then writes the enforcement to the ledger. Safe to call from several processes
/// (PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED); calls in one process run one at a time.
/// </summary>
public sealed class DetectionProcessor : IDisposable
{
    public const string Actor = "pipeline";
    public const string ActorRole = "system";
    public const string ItemSubject = "ingest_item";
    public const string AccountSubject = "platform_account";

    /// <summary>How long removed terrorist content is preserved (EU TCO Regulation 2021/784, Art. 6(2)).</summary>
    public static readonly int PreservationMonths = 6;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly VigilStore store;
    private readonly PipelineRules rules;
    private readonly PipelineOptions options;
    private readonly LedgerLog ledger;
    private readonly PipelineMetrics metrics;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly SignalCollector signals;
    private readonly SemaphoreSlim gate = new(1, 1);
    private DateTimeOffset nextBacklogCount = DateTimeOffset.MinValue;

    /// <summary>Creates the processor; it owns one <see cref="SignalCollector"/> (and so one bank matcher).</summary>
    public DetectionProcessor(VigilStore store, PipelineRules rules, PipelineOptions options, LedgerLog ledger, PipelineMetrics metrics, TimeProvider time, ILogger<DetectionProcessor>? logger = null)
    {
        this.store = store;
        this.rules = rules;
        this.options = options;
        this.ledger = ledger;
        this.metrics = metrics;
        this.time = time;
        this.logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        signals = new SignalCollector(time, options.BankCheckInterval) { Times = metrics.Stages };
    }

    /// <summary>The signal sources, for tests that need to force a bank re-check.</summary>
    internal SignalCollector Signals => signals;

    /// <summary>Processes up to <see cref="PipelineOptions.BatchSize"/> waiting items.</summary>
    public async Task<BatchOutcome> ProcessBatchAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (rules.Active is not { } active)
            {
                return new BatchOutcome(0, 0, 0, WaitingForRules: true);
            }
            await using var db = store.CreateContext();
            await signals.RefreshBanksAsync(db, ct);
            var (outcome, events) = await ProcessAsync(db, active, ct);
            if (events.Count > 0)
            {
                // After the commit: the ledger records what was done, never what a rolled-back batch meant to do.
                var t = Stopwatch.GetTimestamp();
                await ledger.AppendBatchAsync(events, ct);
                metrics.Stages.Add(PipelineStage.Ledger, Stopwatch.GetTimestamp() - t);
            }
            await UpdateBacklogAsync(db, outcome.Claimed, ct);
            return outcome;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(BatchOutcome, List<LedgerEvent>)> ProcessAsync(VigilDb db, ActiveRules active, CancellationToken ct)
    {
        var stages = metrics.Stages;
        var mark = Stopwatch.GetTimestamp();
        void Lap(PipelineStage stage)
        {
            var t = Stopwatch.GetTimestamp();
            stages.Add(stage, t - mark);
            mark = t;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var items = await ClaimQuery(db, options.BatchSize).ToListAsync(ct);
        if (items.Count == 0)
        {
            await tx.CommitAsync(ct);
            return (new BatchOutcome(0, 0, 0), []);
        }
        Lap(PipelineStage.Claim);
        var now = time.GetUtcNow();
        var itemIds = items.Select(i => i.Id).ToList();

        // Everything the batch needs from the database, one query each.
        var platformIds = items.Select(i => i.PlatformId).Distinct().ToList();
        var accountIds = items.Select(i => i.AccountId).Distinct(StringComparer.Ordinal).ToList();
        var accounts = (await db.PlatformAccounts.Where(a => platformIds.Contains(a.PlatformId) && accountIds.Contains(a.AccountId)).ToListAsync(ct))
            .ToDictionary(a => (a.PlatformId, a.AccountId));
        var reports = await db.UserReports.Where(r => itemIds.Contains(r.IngestItemId))
            .GroupBy(r => r.IngestItemId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var earlier = await db.Decisions.Where(d => itemIds.Contains(d.IngestItemId))
            .Select(d => new { d.IngestItemId, d.EnforcedActions }).ToListAsync(ct);
        var done = new Dictionary<long, HashSet<(string, string)>>();
        foreach (var d in earlier)
        {
            var set = done.TryGetValue(d.IngestItemId, out var s) ? s : done[d.IngestItemId] = [];
            foreach (var a in JsonSerializer.Deserialize<List<ActionJson>>(d.EnforcedActions, Json) ?? [])
            {
                if (a.CarriedOut == true)
                {
                    set.Add((a.RuleId, a.Kind));
                }
            }
        }

        Lap(PipelineStage.Lookups);
        var content = items.Where(i => i.Type != "account").ToList();
        // Collect times its hashing and matching stages itself.
        var itemSignals = signals.Collect(content.Select(i => new SignalInput(i.ItemId, i.Text, i.E2ee, i.Image, i.ImageSha256)).ToList());

        mark = Stopwatch.GetTimestamp();
        PlatformAccount Account(long platformId, string accountId)
        {
            if (!accounts.TryGetValue((platformId, accountId), out var a))
            {
                a = new PlatformAccount { PlatformId = platformId, AccountId = accountId, UpdatedAt = now };
                db.PlatformAccounts.Add(a);
                accounts[(platformId, accountId)] = a;
            }
            return a;
        }

        foreach (var item in items.Where(i => i.Type == "account"))
        {
            // Account events only keep the account row current; there is nothing to judge.
            var a = Account(item.PlatformId, item.AccountId);
            if (MetadataCountry(item.Metadata) is { } country)
            {
                a.Country = country;
            }
            a.UpdatedAt = now;
        }

        var pending = new List<(IngestItem Item, DecisionRecord Record, ItemFacts? Facts, List<PlannedAction> CarryOut)>(content.Count);
        var firstDecided = new List<DateTimeOffset>(content.Count);
        for (var k = 0; k < content.Count; k++)
        {
            var item = content[k];
            var sig = itemSignals[k];
            accounts.TryGetValue((item.PlatformId, item.AccountId), out var account);
            var notes = new List<string>(sig.Notes);
            ItemFacts? facts = null;
            Decision decision;
            try
            {
                facts = new ItemFacts(item.ItemId, ItemTypeOf(item.Type))
                {
                    EndToEndEncrypted = item.E2ee,
                    Text = item.E2ee ? null : item.Text,
                    NormalizedText = item.E2ee ? null : sig.NormalizedText,
                    BankHits = sig.Facts,
                    Reports = reports.GetValueOrDefault(item.Id),
                    AccountStrikes = account?.Strikes ?? 0,
                    Country = MetadataCountry(item.Metadata) ?? account?.Country,
                };
                decision = active.Rules.Evaluate(facts);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One item the rules cannot judge must not hold up the others: it is recorded with the reason.
                notes.Add($"rules not evaluated: {e.GetType().Name}: {e.Message}");
                decision = new Decision(item.ItemId, [], [], []);
            }
            var already = done.GetValueOrDefault(item.Id) ?? [];
            var carryOut = new List<PlannedAction>();
            var enforcedJson = new List<ActionJson>(decision.Enforced.Count);
            foreach (var a in decision.Enforced)
            {
                var kind = KindName(a.Kind);
                string? note = null;
                if (!already.Add((a.RuleId, kind)))
                {
                    note = "already carried out for this rule by an earlier decision or action";
                }
                else if (a.Kind == ActionKind.SuspendAccount && account?.SuspendedAt is not null)
                {
                    note = "account already suspended";
                }
                if (note is null)
                {
                    carryOut.Add(a);
                    if (a.Kind == ActionKind.Remove)
                    {
                        // A strike counts for later items of the same account in this very batch.
                        account = Account(item.PlatformId, item.AccountId);
                        account.Strikes++;
                        account.UpdatedAt = now;
                    }
                    else if (a.Kind == ActionKind.SuspendAccount)
                    {
                        account = Account(item.PlatformId, item.AccountId);
                        account.SuspendedAt = now;
                        account.UpdatedAt = now;
                    }
                }
                enforcedJson.Add(ActionJson.Of(a, note is null ? facts?.Country : null, carriedOut: note is null, note));
                metrics.Decided(a.Kind, RuleMode.Enforce);
            }
            foreach (var a in decision.Shadow)
            {
                metrics.Decided(a.Kind, RuleMode.Shadow);
            }
            var firstDecision = !done.ContainsKey(item.Id);
            var latency = (now - item.ReceivedAt).TotalMilliseconds;
            if (firstDecision)
            {
                firstDecided.Add(item.ReceivedAt);
            }
            var record = new DecisionRecord
            {
                IngestItemId = item.Id,
                PlatformId = item.PlatformId,
                DecidedAt = now,
                RulesVersion = active.Version,
                FiredRules = JsonSerializer.Serialize(decision.Fired.Select(f => new FiredJson(f.RuleId, f.Mode == RuleMode.Enforce ? "enforce" : "shadow", f.Evidence)), Json),
                EnforcedActions = JsonSerializer.Serialize(enforcedJson, Json),
                ShadowActions = JsonSerializer.Serialize(decision.Shadow.Select(a => ActionJson.Of(a, null, null, null)), Json),
                Signals = JsonSerializer.Serialize(new SignalsJson(
                    sig.Hits.Select(HitJson.Of).ToList(), facts?.Reports ?? 0, facts?.AccountStrikes ?? 0, facts?.Country, item.E2ee), Json),
                Notes = notes.Count == 0 ? null : string.Join("; ", notes),
                LatencyMs = latency,
            };
            pending.Add((item, record, facts, carryOut));
        }
        Lap(PipelineStage.Rules);

        // Decision ids first: the actions and webhooks name the decision that took them. One statement for the
        // batch instead of EF's tracked inserts.
        await DecisionWriter.InsertAsync(db, pending.ConvertAll(p => p.Record), ct);
        Lap(PipelineStage.WriteDecisions);
        var events = new List<LedgerEvent>();
        var carried = 0;
        foreach (var (item, record, facts, carryOut) in pending)
        {
            foreach (var a in carryOut)
            {
                events.Add(CarryOut(db, item, record, facts, a, now));
                carried++;
            }
        }
        if (signals.PendingQuarantines.Count > 0)
        {
            // Persisted in this transaction, as 'vigil match' does, so every node and restart honours them.
            await BankMatcher.PersistQuarantinesAsync(db, signals.PendingQuarantines, time, ct);
            foreach (var q in signals.PendingQuarantines)
            {
                events.Add(new LedgerEvent(Actor, ActorRole, "bank.entry_quarantined",
                    new LedgerSubject("bank_entry", q.Entry.Id.ToString(CultureInfo.InvariantCulture)), Cut($"flood protection, bank {q.Entry.Bank}: {q.Reason}")));
            }
        }
        await db.SaveChangesAsync(ct);
        Lap(PipelineStage.WriteActions);
        // When the batch is done, just before its commit: accept-to-decision latency includes hashing and writing.
        var processedAt = time.GetUtcNow();
        await db.IngestItems.Where(i => itemIds.Contains(i.Id)).ExecuteUpdateAsync(s => s.SetProperty(i => i.ProcessedAt, processedAt), ct);
        Lap(PipelineStage.MarkProcessed);
        await tx.CommitAsync(ct);
        Lap(PipelineStage.Commit);
        // Accept to decision, as the platform sees it: until the decision and its actions are committed.
        var committed = time.GetUtcNow();
        foreach (var receivedAt in firstDecided)
        {
            metrics.Latency((committed - receivedAt).TotalMilliseconds);
        }
        stages.Batch(items.Count);
        signals.PendingQuarantines.Clear();
        metrics.ItemsProcessed(items.Count);
        return (new BatchOutcome(items.Count, pending.Count, carried), events);
    }

    /// <summary>PostgreSQL's claim: waiting items in arrival order (index IX_ingest_items_waiting); rows another process holds are skipped.</summary>
    internal const string PostgresClaimSql = "SELECT * FROM ingest_items WHERE \"ProcessedAt\" IS NULL ORDER BY \"Id\" LIMIT {0} FOR UPDATE SKIP LOCKED";

    /// <summary>The claim: waiting items in arrival order; on PostgreSQL rows another process holds are skipped (the tests read its plan).</summary>
    internal static IQueryable<IngestItem> ClaimQuery(VigilDb db, int batchSize) =>
        db is PostgresVigilDb
            ? db.IngestItems.FromSqlRaw(PostgresClaimSql, batchSize).AsNoTracking()
            // SQLite has one writer at a time; calls in this process are serialised by the gate.
            : db.IngestItems.AsNoTracking().Where(i => i.ProcessedAt == null).OrderBy(i => i.Id).Take(batchSize);

    private static LedgerEvent CarryOut(VigilDb db, IngestItem item, DecisionRecord record, ItemFacts? facts, PlannedAction a, DateTimeOffset now)
    {
        string action;
        string subjectType = ItemSubject;
        string subjectId = item.PlatformId.ToString(CultureInfo.InvariantCulture) + "/" + item.ItemId;
        switch (a.Kind)
        {
            case ActionKind.Review:
                ReviewQueue.Enqueue(db, new ReviewRequest(item.PlatformId, item.Id, a.Queue, a.Priority ?? 1, a.RuleId, a.Reason), now);
                action = "item.review_queued";
                break;
            case ActionKind.Remove:
            case ActionKind.Restrict:
                var remove = a.Kind == ActionKind.Remove;
                db.ContentActions.Add(new ContentAction
                {
                    PlatformId = item.PlatformId,
                    IngestItemId = item.Id,
                    Kind = remove ? ContentActionKind.Remove : ContentActionKind.Restrict,
                    RuleId = a.RuleId,
                    Reason = a.Reason,
                    Source = ActionSource.Automated,
                    DecisionId = record.Id,
                    At = now,
                });
                action = remove ? "item.removed" : "item.restricted";
                Outbox.Enqueue(db, item.PlatformId, action,
                    new ItemActionPayload(item.ItemId, item.AccountId, remove ? "remove" : "restrict", a.Reason, a.RuleId, record.Id, now), now);
                break;
            case ActionKind.SuspendAccount:
                action = "account.suspended";
                subjectType = AccountSubject;
                subjectId = item.PlatformId.ToString(CultureInfo.InvariantCulture) + "/" + item.AccountId;
                Outbox.Enqueue(db, item.PlatformId, action,
                    new AccountActionPayload(item.AccountId, item.ItemId, a.Reason, a.RuleId, record.Id, now), now);
                break;
            case ActionKind.PreserveEvidence:
                db.Preservations.Add(new Preservation
                {
                    PlatformId = item.PlatformId,
                    IngestItemId = item.Id,
                    Reason = a.Reason,
                    RuleId = a.RuleId,
                    PreservedAt = now,
                    ExpiresAt = now.AddMonths(PreservationMonths),
                });
                action = "item.preserved";
                break;
            default:
                db.Referrals.Add(new Referral
                {
                    PlatformId = item.PlatformId,
                    IngestItemId = item.Id,
                    AuthorityCountry = a.AuthorityCountry ?? facts?.Country,
                    Reason = a.Reason,
                    RuleId = a.RuleId,
                    State = ReferralState.Pending,
                    CreatedAt = now,
                });
                action = "item.referred";
                break;
        }
        return new LedgerEvent(Actor, ActorRole, action, new LedgerSubject(subjectType, CutName(subjectId)), Cut(a.RuleId + ": " + a.Reason), ContentHash(item));
    }

    /// <summary>The ledger names content by hash, never by its text or bytes.</summary>
    private static byte[]? ContentHash(IngestItem item) =>
        item.ImageSha256 ?? (item.Text is { } t ? SHA256.HashData(Encoding.UTF8.GetBytes(t)) : null);

    private async Task UpdateBacklogAsync(VigilDb db, int claimed, CancellationToken ct)
    {
        if (claimed < options.BatchSize)
        {
            // A batch that was not full emptied the queue as far as this process could see.
            metrics.Backlog = 0;
            return;
        }
        var now = time.GetUtcNow();
        if (now < nextBacklogCount)
        {
            return;
        }
        nextBacklogCount = now + TimeSpan.FromSeconds(1);
        metrics.Backlog = await db.IngestItems.LongCountAsync(i => i.ProcessedAt == null, ct);
    }

    internal static ItemType ItemTypeOf(string type) => type switch
    {
        "comment" => ItemType.Comment,
        "direct_message" => ItemType.DirectMessage,
        "image" => ItemType.Image,
        "video" => ItemType.Video,
        "profile_update" => ItemType.Profile,
        _ => ItemType.Post,
    };

    internal static string KindName(ActionKind kind) => kind switch
    {
        ActionKind.Review => "review",
        ActionKind.Remove => "remove",
        ActionKind.Restrict => "restrict",
        ActionKind.SuspendAccount => "suspend_account",
        ActionKind.PreserveEvidence => "preserve_evidence",
        _ => "refer",
    };

    /// <summary>The item's <c>country</c> metadata when it is an ISO 3166-1 alpha-2 code; null otherwise.</summary>
    internal static string? MetadataCountry(string? metadata)
    {
        // Most items carry no country; skip parsing those.
        if (metadata is null || !metadata.Contains("\"country\"", StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(metadata);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("country", out var c) && c.ValueKind == JsonValueKind.String
                && c.GetString() is { Length: 2 } s && char.IsAsciiLetter(s[0]) && char.IsAsciiLetter(s[1]))
            {
                return s.ToUpperInvariant();
            }
        }
        catch (JsonException)
        {
            // Stored metadata was validated JSON at ingest; anything else simply has no country.
        }
        return null;
    }

    private static string Cut(string s) => Shorten(s, LedgerEvent.MaxReasonLength);

    private static string CutName(string s) => Shorten(s, LedgerEvent.MaxNameLength);

    private static string Shorten(string s, int max)
    {
        if (s.Length <= max)
        {
            return s;
        }
        // Do not split a surrogate pair: the ledger rejects unpaired surrogates.
        var n = max;
        return char.IsHighSurrogate(s[n - 1]) ? s[..(n - 1)] : s[..n];
    }

    /// <summary>Releases the bank matcher.</summary>
    public void Dispose()
    {
        signals.Dispose();
        gate.Dispose();
    }
}

/// <summary>Webhook body of <c>item.removed</c> and <c>item.restricted</c>.</summary>
public sealed record ItemActionPayload(string ItemId, string AccountId, string Action, string Reason, string RuleId, long DecisionId, DateTimeOffset DecidedAt);

/// <summary>Webhook body of <c>account.suspended</c>.</summary>
public sealed record AccountActionPayload(string AccountId, string ItemId, string Reason, string RuleId, long DecisionId, DateTimeOffset DecidedAt);

internal sealed record FiredJson(string RuleId, string Mode, IReadOnlyList<string> Evidence);

internal sealed record ActionJson(string RuleId, string Kind, string Reason, double? Priority, string? Queue, string? AuthorityCountry, bool? CarriedOut, string? Note)
{
    public static ActionJson Of(PlannedAction a, string? itemCountry, bool? carriedOut, string? note) =>
        new(a.RuleId, DetectionProcessor.KindName(a.Kind), a.Reason,
            a.Kind == ActionKind.Review ? a.Priority ?? 1 : null,
            a.Kind == ActionKind.Review ? a.Queue ?? ReviewQueue.DefaultQueue : null,
            a.Kind == ActionKind.Refer ? a.AuthorityCountry ?? itemCountry : null,
            carriedOut, note);
}

internal sealed record LabelsJson(string? Entity, string? Ideology, string? ContentType, int? Severity);

internal sealed record HitJson(string Bank, string BankKind, string SignalType, string Via, int? Distance, double? Similarity, string? VetoedBy, LabelsJson Labels)
{
    public static HitJson Of(MatchHit h) =>
        new(h.Entry.Bank, h.Entry.Kind == Banks.BankKind.Positive ? "positive" : "negative", h.Entry.Type.Name(), h.Via, h.Distance, h.Similarity, h.VetoedBy,
            new LabelsJson(h.Entry.Entity, h.Entry.Ideology, h.Entry.ContentType, h.Entry.Severity));
}

internal sealed record SignalsJson(IReadOnlyList<HitJson> BankHits, int Reports, int AccountStrikes, string? Country, bool E2ee);
