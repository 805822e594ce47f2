using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Ledger;
using Vigil.Storage;

namespace Vigil.Webhooks;

/// <summary>
/// Sends the outbox: due pending messages, oldest first, a bounded number in flight (and a few per platform), each
/// POSTed signed to its platform's webhook URL. 2xx marks it delivered; anything else schedules a retry with
/// exponential backoff until <see cref="WebhookOptions.MaxAttempts"/>, then it is dead and written to the ledger.
/// Delivery is at-least-once: a crash between the response and the state update sends the message again, with the
/// same <c>Vigil-Delivery</c> id.
/// </summary>
public sealed partial class WebhookDispatcher(
    VigilStore store,
    LedgerLog ledger,
    IHttpClientFactory httpClients,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    WebhookMetrics metrics,
    ILogger<WebhookDispatcher> log) : BackgroundService
{
    public const string HttpClientName = "vigil.webhooks";
    public const string LedgerActor = "system:webhooks";
    public const string LedgerRole = "system";

    private readonly WebhookOptions o = options.Value;

    // Touched only by the loop (ExecuteAsync or RunOnceAsync, never both): message id -> (platform, attempt).
    private readonly Dictionary<long, (long PlatformId, Task Attempt)> inFlight = [];

    /// <summary>
    /// Claims what is due now, sends it and waits for every attempt to be recorded; returns the number of attempts.
    /// For tests and tools: call it only on a dispatcher that is not running as a hosted service.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var started = await FillAsync(ct);
        await Task.WhenAll(inFlight.Values.Select(v => v.Attempt));
        inFlight.Clear();
        return started;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = OutboxSignal.Next;
            try
            {
                await FillAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be briefly unreachable; the next poll tries again.
                LogFillFailed(e);
            }
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(o.PollInterval, time, poll.Token);
            await Task.WhenAny([wake, delay, .. inFlight.Values.Select(v => v.Attempt)]);
            await poll.CancelAsync();
            foreach (var done in inFlight.Where(kv => kv.Value.Attempt.IsCompleted).Select(kv => kv.Key).ToList())
            {
                inFlight.Remove(done);
            }
        }
        // Attempts cut short by shutdown leave their lease to expire; they are sent again after a restart.
        await Task.WhenAll(inFlight.Values.Select(v => v.Attempt));
    }

    /// <summary>A platform's webhook target, read with the messages it is due to receive.</summary>
    private sealed record Target(long Id, string Name, string Url, string? Secret, string? PreviousSecret, DateTimeOffset? PreviousSecretExpiresAt);

    private async Task<int> FillAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = store.CreateContext();
        metrics.SetPending(await db.OutboxMessages.LongCountAsync(m => m.State == OutboxState.Pending, ct));
        int free = o.MaxInFlight - inFlight.Count;
        if (free <= 0)
        {
            return 0;
        }
        // Platforms without a URL are skipped: their messages stay pending, visible, and go out once a URL is set.
        var targets = await db.Platforms.AsNoTracking()
            .Where(p => p.WebhookUrl != null && db.OutboxMessages.Any(m => m.PlatformId == p.Id && m.State == OutboxState.Pending && m.NextAttemptAt <= now))
            .Select(p => new Target(p.Id, p.Name, p.WebhookUrl!, p.WebhookSecret, p.WebhookPreviousSecret, p.WebhookPreviousSecretExpiresAt))
            .ToListAsync(ct);
        var busy = inFlight.Values.GroupBy(v => v.PlatformId).ToDictionary(g => g.Key, g => g.Count());
        var queues = new List<(Target Target, Queue<OutboxMessage> Due)>();
        foreach (var t in targets)
        {
            int room = Math.Min(o.MaxInFlightPerPlatform - busy.GetValueOrDefault(t.Id), o.BatchSize);
            if (room <= 0)
            {
                continue;
            }
            var due = await db.OutboxMessages.AsNoTracking()
                .Where(m => m.PlatformId == t.Id && m.State == OutboxState.Pending && m.NextAttemptAt <= now)
                .OrderBy(m => m.Id).Take(room).ToListAsync(ct);
            queues.Add((t, new Queue<OutboxMessage>(due)));
        }
        // Round-robin over platforms, oldest waiting platform first, so the free slots are shared fairly.
        queues.Sort((a, b) => (a.Due.Count == 0 ? long.MaxValue : a.Due.Peek().Id).CompareTo(b.Due.Count == 0 ? long.MaxValue : b.Due.Peek().Id));
        int started = 0;
        while (free > 0 && queues.Any(q => q.Due.Count > 0))
        {
            foreach (var (target, due) in queues)
            {
                if (free == 0 || !due.TryDequeue(out var message))
                {
                    continue;
                }
                // Claim by moving NextAttemptAt past the lease; another dispatcher (another node) that read the same row loses.
                var claimed = await db.OutboxMessages
                    .Where(m => m.Id == message.Id && m.State == OutboxState.Pending && m.NextAttemptAt == message.NextAttemptAt)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, now + o.Lease), ct);
                if (claimed == 1)
                {
                    inFlight[message.Id] = (target.Id, AttemptAsync(message, target, ct));
                    free--;
                    started++;
                }
            }
        }
        return started;
    }

    private async Task AttemptAsync(OutboxMessage message, Target target, CancellationToken stop)
    {
        await Task.Yield();
        var startedAt = time.GetTimestamp();
        WebhookOutcome outcome;
        try
        {
            outcome = await SendAsync(message, target, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The key ring lost the key that encrypted the secret: nothing can be signed until the secret is reset.
            outcome = WebhookOutcome.Failed(null, "cannot decrypt the platform's signing secret; reset it with 'vigil platform rotate-webhook-secret'", null);
        }
        catch (Exception e)
        {
            // Counted as a failed attempt so that a message that always fails this way ends dead instead of looping.
            LogAttemptFailed(e, message.Id);
            outcome = WebhookOutcome.Failed(null, "internal error: " + e.GetType().Name, null);
        }
        metrics.RecordAttempt(time.GetElapsedTime(startedAt), outcome.Delivered);
        try
        {
            // Not cancelled by shutdown: an answer received is recorded, or it would be sent again needlessly.
            await RecordAsync(message, target, outcome, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Unrecorded: the lease expires and the message is sent again (at-least-once).
            LogRecordFailed(e, message.Id);
        }
    }

    private async Task<WebhookOutcome> SendAsync(OutboxMessage message, Target target, CancellationToken stop)
    {
        var now = time.GetUtcNow();
        var secrets = SigningSecrets(target, now);
        if (secrets.Count == 0)
        {
            return WebhookOutcome.Failed(null, "the platform has a webhook URL but no signing secret", null);
        }
        var body = Encoding.UTF8.GetBytes(message.Payload);
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", "Vigil-Webhooks/1");
        request.Headers.TryAddWithoutValidation("Vigil-Event", message.EventType);
        request.Headers.TryAddWithoutValidation("Vigil-Delivery", message.Id.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Vigil-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Vigil-Signature", WebhookSignature.Header(secrets, timestamp, body));

        using var timeout = new CancellationTokenSource(o.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var code = (int)response.StatusCode;
            if (code is >= 200 and <= 299)
            {
                return WebhookOutcome.Success(code);
            }
            var retryAfter = RemoteResponse.RetryAfter(response, time.GetUtcNow());
            var error = $"HTTP {code}" + (RemoteResponse.Clean(response.ReasonPhrase) is { Length: > 0 } reason ? " " + reason : "");
            if (code is >= 300 and <= 399)
            {
                error += "; redirects are not followed" + (response.Headers.Location is { } to ? " (Location: " + RemoteResponse.Clean(to.OriginalString) + ")" : "");
            }
            return WebhookOutcome.Failed(code, error, retryAfter);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            return WebhookOutcome.Failed(null, $"timed out after {o.RequestTimeout.TotalSeconds:0.#} s without a response", null);
        }
        catch (HttpRequestException e)
        {
            return WebhookOutcome.Failed(null, $"request failed ({e.HttpRequestError}): {RemoteResponse.Clean(e.Message)}", null);
        }
    }

    private List<string> SigningSecrets(Target t, DateTimeOffset now)
    {
        if (t.Secret is null)
        {
            return [];
        }
        var secrets = new List<string>(2) { WebhookSecrets.Unprotect(dataProtection, t.Secret) };
        if (t.PreviousSecret is not null && t.PreviousSecretExpiresAt > now)
        {
            secrets.Add(WebhookSecrets.Unprotect(dataProtection, t.PreviousSecret));
        }
        return secrets;
    }

    private async Task RecordAsync(OutboxMessage sent, Target target, WebhookOutcome outcome, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = store.CreateContext();
        var m = await db.OutboxMessages.SingleOrDefaultAsync(x => x.Id == sent.Id, ct);
        if (m is null || m.State != OutboxState.Pending)
        {
            return;
        }
        m.Attempts++;
        m.LastStatusCode = outcome.StatusCode;
        if (outcome.Delivered)
        {
            m.State = OutboxState.Delivered;
            m.DeliveredAt = now;
            m.LastError = null;
            await db.SaveChangesAsync(ct);
            metrics.Delivered();
            return;
        }
        m.LastError = outcome.Error.Length > 2000 ? outcome.Error[..2000] : outcome.Error;
        if (m.Attempts >= o.MaxAttempts)
        {
            m.State = OutboxState.Dead;
            await db.SaveChangesAsync(ct);
            metrics.Dead();
            LogDead(m.Id, target.Name, m.Attempts, m.LastError);
            await ledger.AppendAsync(new LedgerEvent(LedgerActor, LedgerRole, WebhookAudit.Dead, new LedgerSubject(WebhookAudit.SubjectType, m.Id.ToString(CultureInfo.InvariantCulture)),
                WebhookAudit.Cut($"{m.EventType} to platform '{target.Name}' dead after {m.Attempts} attempts; last: {m.LastError}", LedgerEvent.MaxReasonLength),
                LedgerEvent.HashPayload(Encoding.UTF8.GetBytes(m.Payload))), ct);
            return;
        }
        m.NextAttemptAt = now + WebhookRetry.Delay(m.Attempts, o, Random.Shared.NextDouble(), outcome.RetryAfter);
        await db.SaveChangesAsync(ct);
        metrics.Retried();
        LogRetry(m.Id, target.Name, m.Attempts, m.LastError, m.NextAttemptAt);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook dispatcher could not read the outbox")]
    private partial void LogFillFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "webhook {MessageId}: the attempt failed unexpectedly")]
    private partial void LogAttemptFailed(Exception e, long messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook {MessageId}: could not record the attempt; it will be sent again")]
    private partial void LogRecordFailed(Exception e, long messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook {MessageId} to {Platform} is dead after {Attempts} attempts: {Error}")]
    private partial void LogDead(long messageId, string platform, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "webhook {MessageId} to {Platform} failed (attempt {Attempts}: {Error}); next attempt at {NextAttemptAt:o}")]
    private partial void LogRetry(long messageId, string platform, int attempts, string? error, DateTimeOffset nextAttemptAt);
}

/// <summary>What one attempt came to.</summary>
internal sealed record WebhookOutcome(bool Delivered, int? StatusCode, string Error, TimeSpan? RetryAfter)
{
    public static WebhookOutcome Success(int status) => new(true, status, "", null);

    public static WebhookOutcome Failed(int? status, string error, TimeSpan? retryAfter) => new(false, status, error, retryAfter);
}

/// <summary>Ledger actions of the webhook feature. Events name platforms and message ids, never a secret.</summary>
public static class WebhookAudit
{
    public const string SubjectType = "outbox_message";
    public const string Dead = "webhook.dead";
    public const string Retried = "webhook.retried";
    public const string Redelivered = "webhook.redelivered";
    public const string Set = "platform.webhook_set";
    public const string SecretRotated = "platform.webhook_secret_rotated";

    /// <summary>Cuts to <paramref name="max"/> characters without splitting a surrogate pair (the ledger rejects those).</summary>
    public static string Cut(string s, int max = LedgerEvent.MaxNameLength)
    {
        s = string.IsNullOrEmpty(s) ? "(empty)" : s;
        if (s.Length <= max)
        {
            return s;
        }
        return char.IsHighSurrogate(s[max - 1]) ? s[..(max - 1)] : s[..max];
    }
}
