using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Ingest;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Storage;
using Vigil.Webhooks;

namespace Vigil.Pipeline;

/// <summary>What <see cref="ContentRemoval.RemoveAsync"/> did to an item.</summary>
public enum RemovalOutcome
{
    Removed,
    AlreadyRemoved,
}

/// <summary>Webhook body of <c>item.removed</c> when a lawful removal order (not a rule) removed the item.</summary>
public sealed record OrderRemovalPayload(string ItemId, string AccountId, string Action, string Reason, string RuleId, long OrderId, DateTimeOffset DecidedAt);

/// <summary>
/// The pipeline's <c>remove</c> action for an item named from outside the pipeline (a TCO removal order): a
/// <see cref="ContentAction"/>, a six-month <see cref="Preservation"/> (Reg. 2021/784 Art. 6) and the
/// <c>item.removed</c> webhook through the outbox, the same rows <see cref="DetectionProcessor"/> writes.
/// </summary>
public static class ContentRemoval
{
    /// <summary>Items matching an order's removal selector: by the platform's item id, or by the <c>url</c> in the item's metadata.</summary>
    public static async Task<IReadOnlyList<IngestItem>> FindAsync(VigilDb db, SelectorKind kind, string value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(value);
        if (kind == SelectorKind.ItemId)
        {
            return await db.IngestItems.Where(i => i.ItemId == value).OrderBy(i => i.Id).Take(100).ToListAsync(ct);
        }
        if (kind != SelectorKind.Url || Selectors.Normalise(SelectorKind.Url, value, out _) is not { } url)
        {
            return [];
        }
        // The host is never JSON-escaped, so it narrows the scan in SQL; the URL itself is compared after parsing.
        var host = new Uri(url).Host;
        var candidates = await db.IngestItems.Where(i => i.Metadata != null && i.Metadata.Contains(host)).OrderBy(i => i.Id).Take(10_000).ToListAsync(ct);
        return [.. candidates.Where(i => MetadataUrl(i.Metadata) == url).Take(100)];
    }

    /// <summary>The item's metadata <c>url</c>, normalised; null when it has none.</summary>
    public static string? MetadataUrl(string? metadata)
    {
        if (metadata is null || !metadata.Contains("\"url\"", StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(metadata);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String
                ? Selectors.Normalise(SelectorKind.Url, u.GetString(), out _)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes <paramref name="item"/> for order <paramref name="orderId"/> (not saved): adds the content action, the
    /// preservation and the outbox message, or nothing when the item was already removed. Returns what happened and
    /// the ledger event to append after saving (content named by hash only).
    /// </summary>
    public static async Task<(RemovalOutcome Outcome, LedgerEvent Event)> RemoveAsync(VigilDb db, IngestItem item, long orderId, string ruleId, string reason,
        string actor, string actorRole, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(item);
        var subject = new LedgerSubject(DetectionProcessor.ItemSubject, Cut(item.PlatformId.ToString(CultureInfo.InvariantCulture) + "/" + item.ItemId, LedgerEvent.MaxNameLength));
        var hash = item.ImageSha256 ?? (item.Text is { } t ? SHA256.HashData(Encoding.UTF8.GetBytes(t)) : null);
        if (await db.ContentActions.AnyAsync(a => a.IngestItemId == item.Id && a.Kind == ContentActionKind.Remove, ct))
        {
            return (RemovalOutcome.AlreadyRemoved, new LedgerEvent(Cut(actor, LedgerEvent.MaxNameLength), Cut(actorRole, LedgerEvent.MaxNameLength), "item.removal_already_done",
                subject, Cut($"{ruleId}: already removed; {reason}", LedgerEvent.MaxReasonLength), hash));
        }
        db.ContentActions.Add(new ContentAction
        {
            PlatformId = item.PlatformId,
            IngestItemId = item.Id,
            Kind = ContentActionKind.Remove,
            RuleId = Cut(ruleId, 200),
            Reason = reason,
            Source = ActionSource.Moderator,
            At = now,
        });
        db.Preservations.Add(new Preservation
        {
            PlatformId = item.PlatformId,
            IngestItemId = item.Id,
            Reason = reason,
            RuleId = Cut(ruleId, 200),
            PreservedAt = now,
            ExpiresAt = now.AddMonths(DetectionProcessor.PreservationMonths),
        });
        Outbox.Enqueue(db, item.PlatformId, "item.removed", new OrderRemovalPayload(item.ItemId, item.AccountId, "remove", reason, ruleId, orderId, now), now);
        return (RemovalOutcome.Removed, new LedgerEvent(Cut(actor, LedgerEvent.MaxNameLength), Cut(actorRole, LedgerEvent.MaxNameLength), "item.removed", subject,
            Cut(ruleId + ": " + reason, LedgerEvent.MaxReasonLength), hash));
    }

    private static string Cut(string s, int max) =>
        s.Length <= max ? s : char.IsHighSurrogate(s[max - 1]) ? s[..(max - 1)] : s[..max];
}
