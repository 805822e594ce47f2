namespace Vigil.Webhooks;

/// <summary>Tuning of the webhook dispatcher; the defaults are what <c>vigil serve</c> runs with.</summary>
public sealed class WebhookOptions
{
    /// <summary>Requests in flight across all platforms.</summary>
    public int MaxInFlight { get; set; } = 32;

    /// <summary>Requests in flight to one platform, so a slow platform cannot take every slot.</summary>
    public int MaxInFlightPerPlatform { get; set; } = 4;

    /// <summary>After this many failed attempts a message is dead (32 attempts span about 23 hours).</summary>
    public int MaxAttempts { get; set; } = 32;

    /// <summary>Delay after the first failure; it doubles with each further failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The largest <c>Retry-After</c> honoured; longer asks are cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Each backoff delay is shortened by a random part of up to this fraction, so retries do not arrive in waves.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>A request without a response by then counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the outbox is read when nothing wakes the dispatcher earlier.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A claimed message is hidden from other dispatchers for this long; if this process dies mid-request it is sent
    /// again after the lease (at-least-once). Longer than <see cref="RequestTimeout"/>.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Messages read per query.</summary>
    public int BatchSize { get; set; } = 100;
}

/// <summary>The retry schedule, as a pure function.</summary>
public static class WebhookRetry
{
    /// <summary>
    /// The wait after failed attempt number <paramref name="attempts"/> (1 = the first): <c>FirstRetryDelay * 2^(attempts-1)</c>
    /// capped at <c>MaxRetryDelay</c>, less up to <c>Jitter</c> of it (<paramref name="random01"/> in [0, 1)).
    /// A <paramref name="retryAfter"/> from the platform (429/503) replaces it, within [0, <c>MaxRetryAfter</c>].
    /// </summary>
    public static TimeSpan Delay(int attempts, WebhookOptions options, double random01, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (retryAfter is { } asked)
        {
            return asked < TimeSpan.Zero ? TimeSpan.Zero : (asked > options.MaxRetryAfter ? options.MaxRetryAfter : asked);
        }
        var exponent = Math.Clamp(attempts - 1, 0, 40);
        var seconds = Math.Min(options.FirstRetryDelay.TotalSeconds * Math.Pow(2, exponent), options.MaxRetryDelay.TotalSeconds);
        return TimeSpan.FromSeconds(seconds * (1 - (options.Jitter * Math.Clamp(random01, 0, 1))));
    }
}
