using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Signing;
using Vigil.Storage;

namespace Vigil.Disclosure;

/// <summary>Settings of disclosure delivery and user notices.</summary>
public sealed class DisclosureOptions
{
    /// <summary>How long a package can be downloaded after it is built.</summary>
    public TimeSpan DownloadValidity { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Rows per task shown in a preview.</summary>
    public int PreviewSampleSize { get; set; } = 5;

    /// <summary>How often the user-notice job looks for due notices.</summary>
    public TimeSpan NoticeInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Ledger actions of disclosure.</summary>
public static class DisclosureAudit
{
    public const string Previewed = "disclosure.previewed";
    public const string Built = "disclosure.package_built";
    public const string Refused = "disclosure.refused";
    public const string Downloaded = "disclosure.downloaded";
    public const string DownloadRefused = "disclosure.download_refused";
    public const string NoticeSent = "disclosure.user_notice_sent";
    public const string PackageSubject = "disclosure_package";
    public const string NoticeSubject = "user_notice";

    public static LedgerEvent PackageEvent(string actor, string role, string action, long packageId, string reason, byte[]? sha256 = null) =>
        new(Cut(actor), Cut(role), action, new LedgerSubject(PackageSubject, packageId.ToString(CultureInfo.InvariantCulture)), reason, sha256);

    internal static string Cut(string s) =>
        string.IsNullOrEmpty(s) ? "(empty)" : s.Length <= LedgerEvent.MaxNameLength ? s : s[..LedgerEvent.MaxNameLength];
}

/// <summary>What a legal officer sees before approving: per task, counts per record type and a minimised sample.</summary>
public sealed record DisclosurePreview(long OrderId, string Reference, string Authority, string Instrument, string State, IReadOnlyList<TaskPreview> Tasks);

/// <summary>One disclosure task's preview.</summary>
public sealed record TaskPreview(
    long TaskId, string? Reference, string Category, string Decision, DateTimeOffset? StartTime, DateTimeOffset? EndTime,
    IReadOnlyList<string> Selectors, IReadOnlyDictionary<string, int> Counts, int Accounts, int ExcludedUsPersons, IReadOnlyList<object> Sample);

/// <summary>Why building a package was refused (HTTP status and a message for the officer).</summary>
public sealed record DisclosureRefusal(int Status, string Message);

/// <summary>Outcome of a download attempt.</summary>
public enum DownloadOutcome
{
    Ok,
    NotFound,
    AlreadyDownloaded,
    Expired,
}

/// <summary>
/// Builds previews and packages of approved orders from the records tables, and hands packages out once. Every view,
/// build, download and refusal is written to the ledger (hashes only, never content).
/// </summary>
public sealed class DisclosureService(VigilDb db, LedgerLog ledger, TimeProvider time, PlatformSigning signing, DisclosureOptions options)
{
    public DisclosureOptions Options => options;

    /// <summary>Loads an order with its authority, tasks and selectors; null when absent.</summary>
    public Task<LegalOrder?> LoadOrderAsync(long orderId, CancellationToken ct) =>
        db.LegalOrders.Include(o => o.Authority).Include(o => o.Tasks).ThenInclude(t => t.Selectors)
            .AsSplitQuery().FirstOrDefaultAsync(o => o.Id == orderId, ct);

    /// <summary>Evaluates one task against the database: loads the candidate rows, then applies <see cref="DisclosureScope.Evaluate"/>.</summary>
    public Task<TaskDisclosure> EvaluateAsync(LegalOrder order, OrderTask task, CancellationToken ct) => EvaluateAsync(db, order, task, ct);

    /// <summary>What the package builder runs for one task (also timed by <c>vigil bench records</c>).</summary>
    public static async Task<TaskDisclosure> EvaluateAsync(VigilDb db, LegalOrder order, OrderTask task, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(task);
        var records = await CandidatesAsync(db, task, ct);
        return DisclosureScope.Evaluate(task, DisclosureScope.ExcludesUsPersons(order.Instrument), records);
    }

    /// <summary>
    /// Loads a superset of the task's scope: every record of an account any selector could name, in the time range.
    /// <see cref="DisclosureScope.Evaluate"/> narrows it (platform, port, US persons), so the rule is written once.
    /// </summary>
    public static async Task<RecordSet> CandidatesAsync(VigilDb db, OrderTask task, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(task);
        // One connection for all of the task's queries instead of an open and close around each.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await LoadCandidatesAsync(db, task, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<RecordSet> LoadCandidatesAsync(VigilDb db, OrderTask task, CancellationToken ct)
    {
        var (start, end) = DisclosureScope.Range(task);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in task.Selectors)
        {
            var v = s.Value;
            switch (s.Kind)
            {
                case SelectorKind.AccountId:
                    ids.Add(v);
                    break;
                case SelectorKind.Username:
                    ids.UnionWith(await db.SubscriberRecords.AsNoTracking().Where(r => r.Username == v).Select(r => r.AccountId).ToListAsync(ct));
                    break;
                case SelectorKind.EmailAddress:
                    ids.UnionWith(await db.SubscriberRecords.AsNoTracking().Where(r => r.Email == v).Select(r => r.AccountId).ToListAsync(ct));
                    break;
                case SelectorKind.PhoneNumber:
                    ids.UnionWith(await db.SubscriberRecords.AsNoTracking().Where(r => r.Phone == v).Select(r => r.AccountId).ToListAsync(ct));
                    break;
                case SelectorKind.IpAddress:
                    ids.UnionWith(await db.AccessLogs.AsNoTracking().Where(a => a.IpAddress == v && a.At >= start && a.At < end).Select(a => a.AccountId).Distinct().ToListAsync(ct));
                    break;
                default:
                    break;
            }
        }
        if (ids.Count == 0 || start >= end)
        {
            return new RecordSet();
        }
        var list = ids.ToList();
        var platforms = await db.Platforms.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        // Every subscriber row belongs to a platform, so naming them all changes nothing but lets the lookup use the
        // unique (PlatformId, AccountId) index instead of scanning every subscriber.
        var platformIds = platforms.Keys.ToList();
        var participantMessages = await db.MessageParticipants.AsNoTracking()
            .Where(p => list.Contains(p.AccountId) && p.At >= start && p.At < end).Select(p => p.MessageRecordId).Distinct().ToListAsync(ct);
        return new RecordSet
        {
            Platforms = platforms,
            Subscribers = await db.SubscriberRecords.AsNoTracking().Where(r => platformIds.Contains(r.PlatformId) && list.Contains(r.AccountId)).ToListAsync(ct),
            AccessLogs = await db.AccessLogs.AsNoTracking().Where(a => list.Contains(a.AccountId) && a.At >= start && a.At < end).ToListAsync(ct),
            Messages = participantMessages.Count == 0 ? [] : await db.MessageMetadata.AsNoTracking().Where(m => participantMessages.Contains(m.Id)).ToListAsync(ct),
            StoredContent = await db.StoredContent.AsNoTracking().Where(c => list.Contains(c.AccountId) && c.At >= start && c.At < end).ToListAsync(ct),
            MediaHashes = await db.MediaHashes.AsNoTracking().Where(h => list.Contains(h.AccountId) && h.At >= start && h.At < end).ToListAsync(ct),
        };
    }

    /// <summary>
    /// The preview of an order's disclosure tasks that are not rejected (pending ones included, so officers see them
    /// before deciding); null when the order does not exist. Viewing it is written to the ledger.
    /// </summary>
    public async Task<DisclosurePreview?> PreviewAsync(long orderId, string actor, string role, CancellationToken ct)
    {
        var order = await LoadOrderAsync(orderId, ct);
        if (order is null)
        {
            return null;
        }
        var tasks = new List<TaskPreview>();
        foreach (var task in order.Tasks.Where(t => t.Kind == TaskKind.Disclosure && t.Decision != TaskDecision.Rejected).OrderBy(t => t.Id))
        {
            var d = await EvaluateAsync(order, task, ct);
            var sample = RecordTypes.For(task.Category ?? DataCategory.SubscriberData)
                .SelectMany(type => DisclosurePackager.Rows(d, type)).Take(options.PreviewSampleSize).Cast<object>().ToList();
            tasks.Add(new TaskPreview(task.Id, task.Reference, task.Category?.ToString() ?? "", task.Decision.ToString(), task.StartTime, task.EndTime,
                [.. task.Selectors.OrderBy(s => s.Id).Select(s => Selectors.Describe(s.Kind, s.Value, s.Port))],
                RecordTypes.For(task.Category ?? DataCategory.SubscriberData).ToDictionary(t => t, t => d.Counts[t], StringComparer.Ordinal),
                d.Accounts.Count, d.ExcludedUsPersons, sample));
        }
        await ledger.AppendAsync(OrderLifecycle.Event(actor, role, DisclosureAudit.Previewed, order.Id,
            string.Create(CultureInfo.InvariantCulture, $"preview of {tasks.Count} disclosure task(s), {tasks.Sum(t => t.Counts.Values.Sum())} record(s)")), ct);
        return new DisclosurePreview(order.Id, order.Reference, order.Authority?.Code ?? "", InstrumentRules.For(order.Instrument).Code, order.State.ToString(), tasks);
    }

    /// <summary>
    /// Builds the package of an approved order's approved disclosure tasks, stores it, moves the order to Disclosed and
    /// schedules the user notices, all in one transaction; then writes the ledger. Returns the package or a refusal
    /// (also written to the ledger).
    /// </summary>
    public async Task<(DisclosurePackage? Package, DisclosureRefusal? Refusal)> BuildAsync(long orderId, string actor, string role, CancellationToken ct)
    {
        var order = await LoadOrderAsync(orderId, ct);
        if (order is null)
        {
            return (null, new DisclosureRefusal(404, $"order {orderId} does not exist"));
        }
        var now = time.GetUtcNow();
        var approved = order.Tasks.Where(t => t.Kind == TaskKind.Disclosure && t.Decision == TaskDecision.Approved).OrderBy(t => t.Id).ToList();
        string? problem =
            !OrderLifecycle.CanMove(order.State, OrderState.Disclosed) || order.State is not (OrderState.Approved or OrderState.PartiallyApproved or OrderState.Preserved)
                ? $"an order in state {order.State} cannot be disclosed (it must be Approved, PartiallyApproved or Preserved)"
            : approved.Count == 0 ? "the order has no approved disclosure task"
            : order.Authority is null ? "the order has no authority"
            : null;
        using var cert = problem is null ? DisclosurePackager.RecipientCertificate(order.Authority!, now, out problem) : null;
        if (problem is not null || cert is null)
        {
            await ledger.AppendAsync(OrderLifecycle.Event(actor, role, DisclosureAudit.Refused, order.Id, problem ?? "no certificate"), ct);
            return (null, new DisclosureRefusal(409, problem ?? "no certificate"));
        }

        var packaged = new List<PackagedTask>();
        foreach (var task in approved)
        {
            packaged.Add(new PackagedTask(task, await EvaluateAsync(order, task, ct)));
        }
        var built = DisclosurePackager.Build(order, order.Authority!, packaged, signing, cert, now);
        var package = new DisclosurePackage
        {
            OrderId = order.Id,
            AuthorityId = order.AuthorityId,
            CreatedAt = now,
            CreatedBy = DisclosureAudit.Cut(actor),
            SizeBytes = built.Encrypted.Length,
            Sha256 = built.Sha256,
            ManifestSha256 = built.ManifestSha256,
            Content = built.Encrypted,
            RecordCount = packaged.Sum(p => p.Disclosure.Total),
            ExpiresAt = now + options.DownloadValidity,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.DisclosurePackages.Add(package);
        await db.SaveChangesAsync(ct);
        var moved = OrderLifecycle.Move(db, order, OrderState.Disclosed, actor, role,
            string.Create(CultureInfo.InvariantCulture, $"package {package.Id} built: {package.RecordCount} record(s) in {packaged.Count} task(s)"), now);
        var notBefore = order.UserNoticeNotBefore is { } nb && nb > now ? nb : now;
        var accounts = packaged.SelectMany(p => p.Disclosure.Accounts).Distinct().OrderBy(a => a.PlatformId).ThenBy(a => a.AccountId, StringComparer.Ordinal).ToList();
        foreach (var a in accounts)
        {
            db.UserNotices.Add(new UserNotice { OrderId = order.Id, PackageId = package.Id, PlatformId = a.PlatformId, AccountId = a.AccountId, NotBefore = notBefore, CreatedAt = now });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await ledger.AppendBatchAsync(
        [
            moved,
            DisclosureAudit.PackageEvent(actor, role, DisclosureAudit.Built, package.Id,
                string.Create(CultureInfo.InvariantCulture, $"order {order.Id}: {package.RecordCount} record(s), {package.SizeBytes} bytes, sha256 {package.Sha256}, {accounts.Count} user notice(s) from {RowText.Time(notBefore)}"),
                Convert.FromHexString(package.Sha256)),
        ], ct);
        return (package, null);
    }

    /// <summary>The packages of one authority, newest first (without their bytes).</summary>
    public async Task<IReadOnlyList<(DisclosurePackage Package, string Reference)>> ListForAuthorityAsync(long authorityId, CancellationToken ct)
    {
        var rows = await db.DisclosurePackages.AsNoTracking().Where(p => p.AuthorityId == authorityId)
            .Join(db.LegalOrders, p => p.OrderId, o => o.Id, (p, o) => new
            {
                p.Id, p.OrderId, p.AuthorityId, p.CreatedAt, p.CreatedBy, p.SizeBytes, p.Sha256, p.ManifestSha256, p.RecordCount, p.ExpiresAt, p.DownloadedAt, p.DownloadedBy, o.Reference,
            })
            .ToListAsync(ct);
        return [.. rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Select(r => (new DisclosurePackage
        {
            Id = r.Id, OrderId = r.OrderId, AuthorityId = r.AuthorityId, CreatedAt = r.CreatedAt, CreatedBy = r.CreatedBy, SizeBytes = r.SizeBytes, Sha256 = r.Sha256,
            ManifestSha256 = r.ManifestSha256, RecordCount = r.RecordCount, ExpiresAt = r.ExpiresAt, DownloadedAt = r.DownloadedAt, DownloadedBy = r.DownloadedBy,
        }, r.Reference))];
    }

    /// <summary>
    /// Hands out a package once to a user of its authority: the first download within the validity returns the bytes
    /// and drops them from the store; later ones and expired ones are refused. All outcomes but "not found" name the
    /// package in the ledger; a user of another authority gets "not found" (and the refusal is still recorded).
    /// </summary>
    public async Task<(DownloadOutcome Outcome, DisclosurePackage? Package, byte[]? Content)> DownloadAsync(long packageId, long authorityId, string user, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var p = await db.DisclosurePackages.AsNoTracking().FirstOrDefaultAsync(x => x.Id == packageId, ct);
        if (p is null || p.AuthorityId != authorityId)
        {
            await ledger.AppendAsync(DisclosureAudit.PackageEvent(user, "authority_user", DisclosureAudit.DownloadRefused, packageId,
                string.Create(CultureInfo.InvariantCulture, $"no package {packageId} for authority {authorityId}")), ct);
            return (DownloadOutcome.NotFound, null, null);
        }
        if (p.DownloadedAt is not null || p.Content is null)
        {
            await ledger.AppendAsync(DisclosureAudit.PackageEvent(user, "authority_user", DisclosureAudit.DownloadRefused, p.Id,
                $"already downloaded at {RowText.Time(p.DownloadedAt ?? now)} by {p.DownloadedBy}"), ct);
            return (DownloadOutcome.AlreadyDownloaded, p, null);
        }
        if (now >= p.ExpiresAt)
        {
            await ledger.AppendAsync(DisclosureAudit.PackageEvent(user, "authority_user", DisclosureAudit.DownloadRefused, p.Id, $"expired at {RowText.Time(p.ExpiresAt)}"), ct);
            return (DownloadOutcome.Expired, p, null);
        }
        var content = p.Content;
        var who = DisclosureAudit.Cut(user);
        // Conditional update: of two concurrent downloads exactly one sees a row to claim.
        var claimed = await db.DisclosurePackages.Where(x => x.Id == p.Id && x.DownloadedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.DownloadedAt, now).SetProperty(x => x.DownloadedBy, who).SetProperty(x => x.Content, (byte[]?)null), ct);
        if (claimed == 0)
        {
            await ledger.AppendAsync(DisclosureAudit.PackageEvent(user, "authority_user", DisclosureAudit.DownloadRefused, p.Id, "already downloaded (concurrent download)"), ct);
            return (DownloadOutcome.AlreadyDownloaded, p, null);
        }
        await ledger.AppendAsync(DisclosureAudit.PackageEvent(user, "authority_user", DisclosureAudit.Downloaded, p.Id,
            string.Create(CultureInfo.InvariantCulture, $"order {p.OrderId}: {p.SizeBytes} bytes, sha256 {p.Sha256}"), Convert.FromHexString(p.Sha256)), ct);
        p.DownloadedAt = now;
        p.DownloadedBy = who;
        return (DownloadOutcome.Ok, p, content);
    }
}
