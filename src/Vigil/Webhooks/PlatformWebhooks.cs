using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Vigil.Ledger;
using Vigil.Platforms;
using Vigil.Storage;

namespace Vigil.Webhooks;

/// <summary>A webhook configured for a platform; <see cref="Secret"/> is shown once (null when it was kept).</summary>
public sealed record WebhookSetResult(string Platform, string Url, string? Secret, bool SecretCreated);

/// <summary>A rotated secret: the old one keeps signing (as a second v1 value) until <see cref="PreviousValidUntil"/>.</summary>
public sealed record WebhookRotation(string Platform, string Secret, DateTimeOffset PreviousValidUntil);

/// <summary>A platform's webhook status as <c>vigil platform list</c> shows it; never includes a secret.</summary>
public sealed record WebhookStatus(string Platform, string? Url, long Pending, long Dead, DateTimeOffset? PreviousSecretValidUntil);

/// <summary>Sets platforms' webhook URLs and signing secrets (encrypted at rest); every change goes to the ledger, never the secret.</summary>
public sealed class PlatformWebhooks(VigilDb db, LedgerLog ledger, IDataProtectionProvider dataProtection, TimeProvider time)
{
    /// <summary>How long the previous secret keeps signing after a rotation.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    /// <summary>
    /// Sets the URL. The first time, a signing secret is created and returned; later calls keep the secret (rotate it
    /// with <see cref="RotateSecretAsync"/>). A bad URL throws <see cref="PlatformException"/> and stores nothing.
    /// </summary>
    public async Task<WebhookSetResult> SetAsync(string platformName, string url, string actor, string actorRole, CancellationToken ct)
    {
        var uri = WebhookUrl.Parse(url, out var error) ?? throw new PlatformException(error);
        var platform = await FindAsync(platformName, ct);
        string? secret = null;
        if (platform.WebhookSecret is null)
        {
            secret = WebhookSecrets.Create();
            platform.WebhookSecret = WebhookSecrets.Protect(dataProtection, secret);
        }
        platform.WebhookUrl = uri.OriginalString;
        await db.SaveChangesAsync(ct);
        // Messages that waited for a URL can go now.
        OutboxSignal.Notify();
        await ledger.AppendAsync(new LedgerEvent(WebhookAudit.Cut(actor), WebhookAudit.Cut(actorRole), WebhookAudit.Set,
            new LedgerSubject(PlatformKeys.SubjectType, WebhookAudit.Cut(platform.Name)),
            WebhookAudit.Cut($"webhook URL set to {Describe(uri)}" + (secret is null ? "; signing secret kept" : "; new signing secret created"), LedgerEvent.MaxReasonLength),
            LedgerEvent.HashPayload(Encoding.UTF8.GetBytes(uri.OriginalString))), ct);
        return new WebhookSetResult(platform.Name, uri.OriginalString, secret, secret is not null);
    }

    /// <summary>Creates a new secret; the current one becomes the previous one and still signs for <see cref="RotationOverlap"/>.</summary>
    public async Task<WebhookRotation> RotateSecretAsync(string platformName, string actor, string actorRole, CancellationToken ct)
    {
        var platform = await FindAsync(platformName, ct);
        if (platform.WebhookSecret is null)
        {
            throw new PlatformException($"platform '{platform.Name}' has no webhook yet; set one with: vigil platform set-webhook {platform.Name} --url URL");
        }
        var now = time.GetUtcNow();
        var secret = WebhookSecrets.Create();
        platform.WebhookPreviousSecret = platform.WebhookSecret;
        platform.WebhookPreviousSecretExpiresAt = now + RotationOverlap;
        platform.WebhookSecret = WebhookSecrets.Protect(dataProtection, secret);
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(new LedgerEvent(WebhookAudit.Cut(actor), WebhookAudit.Cut(actorRole), WebhookAudit.SecretRotated,
            new LedgerSubject(PlatformKeys.SubjectType, WebhookAudit.Cut(platform.Name)),
            $"webhook signing secret rotated; the previous one signs too until {platform.WebhookPreviousSecretExpiresAt:yyyy-MM-dd'T'HH:mm:ss'Z'}"), ct);
        return new WebhookRotation(platform.Name, secret, platform.WebhookPreviousSecretExpiresAt.Value);
    }

    /// <summary>Every platform's webhook URL and its pending and dead message counts, by platform name.</summary>
    public static async Task<IReadOnlyList<WebhookStatus>> StatusAsync(VigilDb db, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var counts = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.State != OutboxState.Delivered)
            .GroupBy(m => new { m.PlatformId, m.State })
            .Select(g => new { g.Key.PlatformId, g.Key.State, Count = g.LongCount() })
            .ToListAsync(ct);
        var platforms = await db.Platforms.AsNoTracking()
            .Select(p => new { p.Id, p.Name, p.WebhookUrl, p.WebhookPreviousSecretExpiresAt }).ToListAsync(ct);
        return [.. platforms.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new WebhookStatus(
            p.Name,
            p.WebhookUrl,
            counts.Where(c => c.PlatformId == p.Id && c.State == OutboxState.Pending).Sum(c => c.Count),
            counts.Where(c => c.PlatformId == p.Id && c.State == OutboxState.Dead).Sum(c => c.Count),
            p.WebhookPreviousSecretExpiresAt > now ? p.WebhookPreviousSecretExpiresAt : null))];
    }

    private async Task<Platform> FindAsync(string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.Trim();
        return await db.Platforms.SingleOrDefaultAsync(p => p.Name == name, ct) ?? throw new PlatformException($"no platform named '{name}'");
    }

    /// <summary>The URL without its query string, which may carry a platform's routing token; the full URL's hash goes in the event.</summary>
    internal static string Describe(Uri uri) => uri.GetLeftPart(UriPartial.Path) + (uri.Query.Length > 0 ? "?..." : "");
}
