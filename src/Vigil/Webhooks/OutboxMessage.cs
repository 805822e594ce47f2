namespace Vigil.Webhooks;

/// <summary>Delivery state of a webhook message.</summary>
public enum OutboxState
{
    /// <summary>Waiting for its first or next attempt (see <see cref="OutboxMessage.NextAttemptAt"/>).</summary>
    Pending,

    /// <summary>The platform answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed; kept, visible, and can be retried by staff.</summary>
    Dead,
}

/// <summary>
/// A webhook to a platform, written in the same transaction as the decision it reports (the transactional outbox
/// pattern), so nothing is lost across a crash or restart; a dispatcher sends it with retries and backoff.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    /// <summary>Event type, for example <c>item.removed</c>, <c>item.restricted</c>, <c>account.suspended</c>.</summary>
    public required string EventType { get; set; }

    /// <summary>The JSON body sent, byte for byte what is signed.</summary>
    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public OutboxState State { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>HTTP status of the last attempt, when there was a response.</summary>
    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }
}
