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
        // The next successful save wakes the dispatcher, so the message goes out at once rather than at the next
        // poll. (A message saved inside a longer transaction is seen at the next poll if the wake-up comes before
        // the commit.)
        db.WakeOutboxOnSave = true;
        return m;
    }
}

/// <summary>A process-wide wake-up for the webhook dispatcher: new or retried messages were saved.</summary>
public static class OutboxSignal
{
    private static TaskCompletionSource current = New();

    /// <summary>A task that completes at the next <see cref="Notify"/>; take it before reading the outbox so no wake-up is lost.</summary>
    public static Task Next => Volatile.Read(ref current).Task;

    public static void Notify() => Interlocked.Exchange(ref current, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
