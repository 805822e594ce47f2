using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Storage;
using Vigil.Webhooks;

namespace Vigil.Disclosure;

/// <summary>The <c>user.notice</c> webhook payload: what the platform tells the user.</summary>
/// <param name="NoticeId">Stable id, so the platform can drop a repeated delivery.</param>
/// <param name="AccountId">The affected account.</param>
/// <param name="Authority">Name of the authority that received the data.</param>
/// <param name="AuthorityCountry">Its country code.</param>
/// <param name="Instrument">The instrument's title.</param>
/// <param name="Categories">The data categories disclosed.</param>
/// <param name="DisclosedAt">When the package was built.</param>
public sealed record UserNoticePayload(long NoticeId, string AccountId, string Authority, string AuthorityCountry, string Instrument, IReadOnlyList<string> Categories, DateTimeOffset DisclosedAt);

/// <summary>
/// Sends due user notices through the platform webhook outbox, each exactly once: a notice is claimed and its
/// outbox message added in one transaction, then written to the ledger.
/// </summary>
public sealed class UserNoticeJob(VigilStore store, LedgerLog ledger, TimeProvider time, DisclosureOptions options, ILogger<UserNoticeJob> log) : BackgroundService
{
    public const string EventType = "user.notice";
    public const string Actor = "system:user-notices";

    /// <summary>Sends every notice due now; returns how many were sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = store.CreateContext();
        var due = await db.UserNotices.Where(n => n.SentAt == null && n.NotBefore <= now).OrderBy(n => n.NotBefore).ThenBy(n => n.Id).Take(500).ToListAsync(ct);
        var sent = 0;
        foreach (var n in due)
        {
            var order = await db.LegalOrders.AsNoTracking().Include(o => o.Authority).Include(o => o.Tasks).AsSplitQuery().FirstAsync(o => o.Id == n.OrderId, ct);
            var package = await db.DisclosurePackages.AsNoTracking().Where(p => p.Id == n.PackageId).Select(p => new { p.CreatedAt }).FirstAsync(ct);
            var categories = order.Tasks.Where(t => t.Kind == Orders.TaskKind.Disclosure && t.Decision == Orders.TaskDecision.Approved && t.Category is not null)
                .Select(t => t.Category!.Value.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();
            var payload = new UserNoticePayload(n.Id, n.AccountId, order.Authority?.Name ?? "", order.Authority?.CountryCode ?? "",
                InstrumentRules.For(order.Instrument).Title, categories, package.CreatedAt);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Claim first: a second job instance (or a retry after a crash) finds nothing left to send.
            var claimed = await db.UserNotices.Where(x => x.Id == n.Id && x.SentAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.SentAt, now), ct);
            if (claimed == 0)
            {
                continue;
            }
            var message = Outbox.Enqueue(db, n.PlatformId, EventType, payload, now);
            await db.SaveChangesAsync(ct);
            await db.UserNotices.Where(x => x.Id == n.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.OutboxMessageId, message.Id), ct);
            await tx.CommitAsync(ct);
            await ledger.AppendAsync(new LedgerEvent(Actor, "system", DisclosureAudit.NoticeSent,
                new LedgerSubject(DisclosureAudit.NoticeSubject, n.Id.ToString(CultureInfo.InvariantCulture)),
                string.Create(CultureInfo.InvariantCulture, $"order {n.OrderId}, platform {n.PlatformId}: notice queued as webhook {message.Id}"),
                LedgerEvent.HashPayload(System.Text.Encoding.UTF8.GetBytes(message.Payload))), ct);
            sent++;
        }
        return sent;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or IOException)
            {
                // Retried on the next tick; a notice is only marked sent together with its outbox message.
                LogFailed(log, e);
            }
            try
            {
                await Task.Delay(options.NoticeInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static void LogFailed(ILogger l, Exception e) => l.LogWarning(e, "user notice run failed");
}
