using System.Text.Json;
using Vigil.Storage;

namespace Vigil.Webhooks;

/// <summary>Queues webhooks to platforms.</summary>
public static class Outbox
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Adds a pending message to <paramref name="db"/> without saving, so it commits (or not) with the caller's
    /// transaction. <paramref name="payload"/> is serialised with snake_case names.
    /// </summary>
    public static OutboxMessage Enqueue(VigilDb db, long platformId, string eventType, object payload, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        var m = new OutboxMessage
        {
            PlatformId = platformId,
            EventType = eventType,
            Payload = JsonSerializer.Serialize(payload, Json),
            CreatedAt = now,
            State = OutboxState.Pending,
            NextAttemptAt = now,
        };
        db.OutboxMessages.Add(m);
        return m;
    }
}
