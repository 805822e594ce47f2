using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Webhooks;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Pipeline;
using Vigil.Signing;
using Vigil.Storage;

namespace Vigil.Referrals;

/// <summary>
/// Sends referrals to their competent authority: claims due referrals with a lease (so two dispatchers, on one node
/// or several, never send the same one at once), routes each to an authority on its first attempt, builds and seals
/// its evidence package once, POSTs it and records the answer. A 2xx with a receipt id acknowledges the referral;
/// anything else is retried with exponential backoff and jitter (honouring Retry-After) until
/// <see cref="ReferralOptions.MaxAttempts"/>, then the referral is dead. Every delivery, acknowledgement and failure is
/// written to the ledger. Delivery is at-least-once with the same <c>Vigil-Referral-Id</c>: authorities deduplicate on it.
/// </summary>
public sealed partial class ReferralDispatcher : BackgroundService
{
    public const string HttpClientName = "vigil.referrals";
    public const string ReferralIdHeader = "Vigil-Referral-Id";
    public const string PackageHashHeader = "Vigil-Package-Sha256";
    public const string AttemptHeader = "Vigil-Attempt";

    private readonly VigilStore store;
    private readonly LedgerLog ledger;
    private readonly IHttpClientFactory httpClients;
    private readonly PlatformSigning signing;
    private readonly TimeProvider time;
    private readonly ReferralOptions o;
    private readonly ReferralMetrics metrics;
    private readonly ILogger<ReferralDispatcher> log;

    // Touched only by the loop (ExecuteAsync or RunOnceAsync, never both).
    private readonly Dictionary<long, Task> inFlight = [];

    // When the loop last counted the referrals by state (Stopwatch ticks; 0: never).
    private long countedAt;

    public ReferralDispatcher(VigilStore store, LedgerLog ledger, IHttpClientFactory httpClients, PlatformSigning signing, TimeProvider time,
        IOptions<ReferralOptions> options, ReferralMetrics metrics, ILogger<ReferralDispatcher> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.store = store;
        this.ledger = ledger;
        this.httpClients = httpClients;
        this.signing = signing;
        this.time = time;
        o = options.Value;
        this.metrics = metrics;
        this.log = log;
    }

    /// <summary>
    /// Claims what is due now, sends it and waits for every attempt to be recorded; returns the number of attempts.
    /// For tests and tools: call it only on a dispatcher that is not running as a hosted service.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var started = await FillAsync(countNow: true, ct);
        await Task.WhenAll(inFlight.Values);
        inFlight.Clear();
        return started;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The pipeline counts processed items after its commit: each batch may have created referrals, so look then.
        using var pipeline = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PipelineMetrics.MeterName && instrument.Name == "vigil.pipeline.items_processed")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        pipeline.SetMeasurementEventCallback<long>((_, _, _, _) => ReferralSignal.Notify());
        pipeline.Start();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = ReferralSignal.Next;
            try
            {
                await FillAsync(countNow: false, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be briefly unreachable; the next poll tries again.
                LogFillFailed(e);
            }
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(o.PollInterval, time, poll.Token);
            await Task.WhenAny([wake, delay, .. inFlight.Values]);
            await poll.CancelAsync();
            foreach (var done in inFlight.Where(kv => kv.Value.IsCompleted).Select(kv => kv.Key).ToList())
            {
                inFlight.Remove(done);
            }
        }
        // Attempts cut short by shutdown release their lease, so a restart sends them at once.
        await Task.WhenAll(inFlight.Values);
    }

    /// <param name="countNow">Count the referrals by state for the metrics even if the loop did less than a second ago.</param>
    private async Task<int> FillAsync(bool countNow, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = store.CreateContext();
        // Every finished attempt wakes the loop; counting each time read every waiting referral per attempt (a 90 s
        // benchmark with 5,500 referrals and no reachable authority scanned the table 13,000 times). The gauges are
        // refreshed at most once a second instead.
        if (countNow || countedAt == 0 || Stopwatch.GetElapsedTime(countedAt) >= TimeSpan.FromSeconds(1))
        {
            var counts = await db.Referrals.AsNoTracking()
                .Where(r => r.State == ReferralState.Pending || r.State == ReferralState.Delivering || r.State == ReferralState.NoAuthority)
                .GroupBy(r => r.State).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
            metrics.SetCounts(counts.Where(c => c.Key != ReferralState.NoAuthority).Sum(c => c.Count), counts.Where(c => c.Key == ReferralState.NoAuthority).Sum(c => c.Count));
            countedAt = Stopwatch.GetTimestamp();
        }
        int free = o.MaxInFlight - inFlight.Count;
        if (free <= 0)
        {
            return 0;
        }
        // Delivering rows are due when their lease expired (their dispatcher died mid-attempt).
        var due = await db.Referrals.AsNoTracking()
            .Where(r => (r.State == ReferralState.Pending || r.State == ReferralState.NoAuthority || r.State == ReferralState.Delivering) && r.NextAttemptAt <= now)
            .OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Id).Take(free)
            .Select(r => new { r.Id, r.State, r.NextAttemptAt }).ToListAsync(ct);
        int started = 0;
        foreach (var r in due)
        {
            if (inFlight.ContainsKey(r.Id))
            {
                continue;
            }
            // Claim by state and time; another dispatcher that read the same row loses.
            var claimed = await db.Referrals
                .Where(x => x.Id == r.Id && x.State == r.State && x.NextAttemptAt == r.NextAttemptAt)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, ReferralState.Delivering).SetProperty(x => x.NextAttemptAt, now + o.Lease), ct);
            if (claimed == 1)
            {
                inFlight[r.Id] = AttemptAsync(r.Id, r.State, ct);
                started++;
            }
        }
        return started;
    }

    private async Task AttemptAsync(long id, ReferralState claimedFrom, CancellationToken stop)
    {
        await Task.Yield();
        try
        {
            await AttemptCoreAsync(id, claimedFrom, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await ReleaseAsync(id);
        }
        catch (Exception e)
        {
            // Unrecorded: the lease expires and the referral is tried again.
            LogAttemptFailed(e, id);
        }
    }

    /// <summary>Gives a claimed referral back at shutdown so that the next start sends it without waiting for the lease.</summary>
    private async Task ReleaseAsync(long id)
    {
        try
        {
            await using var db = store.CreateContext();
            await db.Referrals.Where(x => x.Id == id && x.State == ReferralState.Delivering)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, ReferralState.Pending).SetProperty(x => x.NextAttemptAt, time.GetUtcNow()), CancellationToken.None);
        }
        catch (Exception e)
        {
            LogAttemptFailed(e, id);
        }
    }

    private async Task AttemptCoreAsync(long id, ReferralState claimedFrom, CancellationToken stop)
    {
        await using var db = store.CreateContext();
        var r = await db.Referrals.SingleAsync(x => x.Id == id, stop);
        if (r.State != ReferralState.Delivering)
        {
            return;
        }
        var now = time.GetUtcNow();
        var events = new List<LedgerEvent>();
        Authority? authority = r.AuthorityId is { } aid ? await db.Authorities.AsNoTracking().SingleOrDefaultAsync(a => a.Id == aid, stop) : null;
        if (authority is not null && (authority.DisabledAt is not null || !authority.ReceivesReferrals || authority.ReferralEndpoint is null))
        {
            // Withdrawn since it was chosen: route again; the package was sealed for that authority, so build it again.
            events.Add(ReferralAudit.System(ReferralAudit.Routed, r.Id, $"authority {authority.Code} no longer receives referrals; routing again"));
            authority = null;
            r.AuthorityId = null;
            r.Package = null;
            r.PackageSha256 = null;
        }
        if (authority is null)
        {
            var choice = await ReferralRouting.ChooseAsync(db, r.AuthorityCountry, o.EstablishmentCountry, stop);
            r.ChosenBy = choice.Explanation;
            if (choice.Authority is null)
            {
                r.State = ReferralState.NoAuthority;
                r.NextAttemptAt = now + o.NoAuthorityRecheck;
                await db.SaveChangesAsync(CancellationToken.None);
                // Written once, when the referral first finds no authority; the staff page and the gauge show it after that.
                if (claimedFrom != ReferralState.NoAuthority)
                {
                    events.Add(ReferralAudit.System(ReferralAudit.NoAuthority, r.Id, choice.Explanation));
                }
                await AppendAsync(events);
                LogNoAuthority(r.Id, choice.Explanation);
                return;
            }
            authority = choice.Authority;
            r.AuthorityId = authority.Id;
            events.Add(ReferralAudit.System(ReferralAudit.Routed, r.Id, $"to {authority.Code} ({authority.CountryCode}) by rule {choice.Rule}: {choice.Explanation}"));
        }
        if (r.Package is null)
        {
            r.ItemReceivedAt ??= await db.IngestItems.Where(i => i.Id == r.IngestItemId).Select(i => (DateTimeOffset?)i.ReceivedAt).SingleAsync(stop);
            SealedPackage sealedPackage;
            try
            {
                var json = await ReferralPackage.BuildJsonAsync(db, r, authority, now, o.RecentHistory, stop);
                sealedPackage = ReferralPackage.Seal(json, signing, authority.EncryptionCertificatePem, now);
            }
            catch (CryptographicException e)
            {
                await FailAsync(db, r, authority, events, "cannot seal the package: " + e.Message, null, now);
                return;
            }
            r.Package = sealedPackage.Bytes;
            r.PackageSha256 = sealedPackage.Sha256;
            r.Encrypted = sealedPackage.Encrypted;
        }
        // Persisted before sending, so every retry sends the same bytes with the same hash.
        await db.SaveChangesAsync(stop);
        await AppendAsync(events);
        events.Clear();

        var outcome = await SendAsync(r, authority, stop);
        now = time.GetUtcNow();
        if (!outcome.Success)
        {
            await FailAsync(db, r, authority, events, outcome.Error, outcome.RetryAfter, now);
            return;
        }
        r.Attempts++;
        r.DeliveredAt = now;
        r.LastError = null;
        var hash = r.PackageSha256;
        events.Add(ReferralAudit.System(ReferralAudit.Delivered, r.Id, $"to {authority.Code}: HTTP {outcome.Status} after {r.Attempts} attempt(s)", hash));
        if (outcome.ReceiptId is { } receipt)
        {
            r.State = ReferralState.Acknowledged;
            r.AcknowledgedAt = now;
            r.ReceiptId = receipt;
            r.EndToEndMs = r.ItemReceivedAt is { } arrived ? Math.Max(0, (now - arrived).TotalMilliseconds) : null;
            events.Add(ReferralAudit.System(ReferralAudit.Acknowledged, r.Id, string.Create(CultureInfo.InvariantCulture,
                $"{authority.Code} receipt {receipt}; {r.EndToEndMs:0} ms from the item's arrival"), hash));
        }
        else
        {
            r.State = ReferralState.Delivered;
            r.LastError = "the authority answered 2xx without a receipt_id";
        }
        // Not cancelled by shutdown: an answer received is recorded, or it would be sent again needlessly.
        await db.SaveChangesAsync(CancellationToken.None);
        await AppendAsync(events);
        metrics.Outcome(r.State == ReferralState.Acknowledged ? "acknowledged" : "delivered");
        if (r.EndToEndMs is { } e2e)
        {
            metrics.EndToEnd(e2e);
        }
    }

    private async Task FailAsync(VigilDb db, Referral r, Authority authority, List<LedgerEvent> events, string error, TimeSpan? retryAfter, DateTimeOffset now)
    {
        r.Attempts++;
        r.LastError = error.Length > 2000 ? error[..2000] : error;
        if (r.Attempts >= o.MaxAttempts)
        {
            r.State = ReferralState.Dead;
            events.Add(ReferralAudit.System(ReferralAudit.Dead, r.Id, $"to {authority.Code} dead after {r.Attempts} attempts; last: {r.LastError}", r.PackageSha256));
            metrics.Outcome("dead");
            LogDead(r.Id, authority.Code, r.Attempts, r.LastError);
        }
        else
        {
            r.State = ReferralState.Pending;
            r.NextAttemptAt = now + ReferralRetry.Delay(r.Attempts, o, Random.Shared.NextDouble(), retryAfter);
            events.Add(ReferralAudit.System(ReferralAudit.Failed, r.Id, string.Create(CultureInfo.InvariantCulture,
                $"to {authority.Code}, attempt {r.Attempts}: {r.LastError}; next attempt at {r.NextAttemptAt:O}"), r.PackageSha256));
            metrics.Outcome("retry");
            LogRetry(r.Id, authority.Code, r.Attempts, r.LastError, r.NextAttemptAt);
        }
        await db.SaveChangesAsync(CancellationToken.None);
        await AppendAsync(events);
    }

    private async Task AppendAsync(List<LedgerEvent> events)
    {
        if (events.Count > 0)
        {
            await ledger.AppendBatchAsync(events, CancellationToken.None);
        }
    }

    /// <summary>What one POST came to.</summary>
    private sealed record Outcome(bool Success, int? Status, string? ReceiptId, string Error, TimeSpan? RetryAfter);

    private async Task<Outcome> SendAsync(Referral r, Authority authority, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, authority.ReferralEndpoint) { Content = new ByteArrayContent(r.Package!) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(new SealedPackage(r.Package!, r.PackageSha256!, r.Encrypted).ContentType);
        request.Headers.TryAddWithoutValidation("User-Agent", "Vigil-Referrals/1");
        request.Headers.TryAddWithoutValidation(ReferralIdHeader, r.Id.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(PackageHashHeader, Convert.ToHexStringLower(r.PackageSha256!));
        request.Headers.TryAddWithoutValidation(AttemptHeader, (r.Attempts + 1).ToString(CultureInfo.InvariantCulture));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var timeout = new CancellationTokenSource(o.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var code = (int)response.StatusCode;
            if (code is >= 200 and <= 299)
            {
                var body = await response.Content.ReadAsStringAsync(linked.Token);
                return new Outcome(true, code, ReceiptOf(body), "", null);
            }
            var retryAfter = RemoteResponse.RetryAfter(response, time.GetUtcNow());
            var error = $"HTTP {code}" + (RemoteResponse.Clean(response.ReasonPhrase) is { Length: > 0 } reason ? " " + reason : "");
            if (code is >= 300 and <= 399)
            {
                error += "; redirects are not followed";
            }
            return new Outcome(false, code, null, error, retryAfter);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            return new Outcome(false, null, null, $"timed out after {o.RequestTimeout.TotalSeconds:0.#} s without a response", null);
        }
        catch (HttpRequestException e)
        {
            return new Outcome(false, null, null, $"request failed ({e.HttpRequestError}): {RemoteResponse.Clean(e.Message)}", null);
        }
    }

    /// <summary>The <c>receipt_id</c> of an acknowledgement body: 1 to 200 printable characters; null otherwise.</summary>
    internal static string? ReceiptOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("receipt_id", out var v)
                && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 200 } s && !s.Any(char.IsControl))
            {
                return s;
            }
        }
        catch (JsonException)
        {
            // Not JSON: delivered, but not acknowledged.
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "referral dispatcher could not read the referrals")]
    private partial void LogFillFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "referral {ReferralId}: the attempt failed unexpectedly; it is tried again when its lease expires")]
    private partial void LogAttemptFailed(Exception e, long referralId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "referral {ReferralId} has no reachable authority: {Why}")]
    private partial void LogNoAuthority(long referralId, string why);

    [LoggerMessage(Level = LogLevel.Error, Message = "referral {ReferralId} to {Authority} is dead after {Attempts} attempts: {Error}")]
    private partial void LogDead(long referralId, string authority, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "referral {ReferralId} to {Authority} failed (attempt {Attempts}: {Error}); next attempt at {NextAttemptAt:o}")]
    private partial void LogRetry(long referralId, string authority, int attempts, string? error, DateTimeOffset nextAttemptAt);
}
