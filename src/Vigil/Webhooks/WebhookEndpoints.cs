using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Vigil.Ledger;
using Vigil.Platforms;
using Vigil.Storage;

namespace Vigil.Webhooks;

/// <summary>One message as a platform sees it in <c>GET /api/v1/webhooks/deliveries</c>.</summary>
public sealed record DeliveryView(long Id, string Event, DateTimeOffset CreatedAt, string State, int Attempts,
    DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, int? LastStatusCode, string? LastError);

/// <summary>The platform API over its own webhook deliveries: list them by state, ask for one again.</summary>
public static class WebhookEndpoints
{
    public const string DeliveriesRoute = "/api/v1/webhooks/deliveries";
    public const string RedeliverRoute = "/api/v1/webhooks/deliveries/{id}/redeliver";
    public const int MaxLimit = 500;
    public const int DefaultLimit = 100;

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Maps the platform API (platform policy) and the staff page <c>/admin/webhooks</c>.</summary>
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapGet(DeliveriesRoute, ListAsync).RequireAuthorization(PlatformKeyAuthenticationHandler.Policy);
        app.MapPost(RedeliverRoute, RedeliverAsync).RequireAuthorization(PlatformKeyAuthenticationHandler.Policy).DisableAntiforgery();
        app.MapWebhooksPage();
        return app;
    }

    private static async Task<IResult> ListAsync(HttpContext ctx, VigilDb db, [FromQuery] string? state, [FromQuery] string? limit, CancellationToken ct)
    {
        var platformId = PlatformId(ctx);
        var query = db.OutboxMessages.AsNoTracking().Where(m => m.PlatformId == platformId);
        if (state is not null)
        {
            if (!TryParseState(state, out var s))
            {
                return Problem($"'state' must be one of pending, delivered, dead (got '{Shown(state)}')");
            }
            query = query.Where(m => m.State == s);
        }
        int take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
        {
            return Problem($"'limit' must be an integer from 1 to {MaxLimit} (got '{Shown(limit)}')");
        }
        var rows = await query.OrderByDescending(m => m.Id).Take(take).ToListAsync(ct);
        return Results.Json(new { deliveries = rows.Select(View) }, Json);
    }

    private static async Task<IResult> RedeliverAsync(HttpContext ctx, VigilDb db, LedgerLog ledger, TimeProvider time, string id, CancellationToken ct)
    {
        var platformId = PlatformId(ctx);
        // Another platform's id answers exactly like a missing one, so ids reveal nothing across platforms.
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var messageId)
            || await db.OutboxMessages.SingleOrDefaultAsync(m => m.Id == messageId && m.PlatformId == platformId, ct) is not { } m)
        {
            return Results.Problem(detail: $"no delivery with id '{Shown(id)}'", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }
        var previous = m.State;
        Requeue(m, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        OutboxSignal.Notify();
        var platform = ctx.User.Identity?.Name ?? "unknown";
        await ledger.AppendAsync(new LedgerEvent(WebhookAudit.Cut("platform:" + platform), "platform", WebhookAudit.Redelivered,
            new LedgerSubject(WebhookAudit.SubjectType, m.Id.ToString(CultureInfo.InvariantCulture)),
            WebhookAudit.Cut($"{m.EventType} requeued by the platform (was {previous.ToString().ToLowerInvariant()})", LedgerEvent.MaxReasonLength)), ct);
        return Results.Json(View(m), Json, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Puts a message back in the queue for an attempt now, with a fresh retry schedule.</summary>
    internal static void Requeue(OutboxMessage m, DateTimeOffset now)
    {
        m.State = OutboxState.Pending;
        m.Attempts = 0;
        m.NextAttemptAt = now;
        m.DeliveredAt = null;
    }

    internal static DeliveryView View(OutboxMessage m) => new(
        m.Id, m.EventType, m.CreatedAt, m.State.ToString().ToLowerInvariant(), m.Attempts,
        m.State == OutboxState.Pending ? m.NextAttemptAt : null, m.DeliveredAt, m.LastStatusCode, m.LastError);

    internal static bool TryParseState(string text, out OutboxState state)
    {
        switch (text)
        {
            case "pending": state = OutboxState.Pending; return true;
            case "delivered": state = OutboxState.Delivered; return true;
            case "dead": state = OutboxState.Dead; return true;
            default: state = default; return false;
        }
    }

    private static long PlatformId(HttpContext ctx) =>
        long.Parse(ctx.User.FindFirst(PlatformKeyAuthenticationHandler.PlatformIdClaim)!.Value, CultureInfo.InvariantCulture);

    private static IResult Problem(string detail) => Results.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    private static string Shown(string s) => s.Length > 50 ? s[..50] + "..." : s;
}
