using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Vigil.Storage;
using Vigil.Tests.Support;
using Vigil.Webhooks;

namespace Vigil.Tests.Webhooks;

public sealed class WebhookDispatcherTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_message_is_delivered_once_with_headers_and_a_signature_that_openssl_agrees_with(string provider)
    {
        await using var receiver = await Receiver.StartAsync();
        await using var h = await WebhookHarness.CreateAsync(provider);
        var (platform, secret) = await h.PlatformAsync("chirp", receiver.Url);
        Assert.Matches("^whsec_[A-Za-z0-9_-]{43}$", secret);
        var id = await h.EnqueueAsync(platform, "item.removed", new { ItemId = "p1", Reason = "tvec \"bank\" match ✓" });

        Assert.Equal(1, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
        var r = Assert.Single(receiver.Requests);
        Assert.Equal("application/json", r.Headers["Content-Type"]);
        Assert.Equal("item.removed", r.Headers["Vigil-Event"]);
        Assert.Equal(id, r.DeliveryId);
        Assert.Equal(h.Time.GetUtcNow().ToUnixTimeSeconds(), r.Timestamp);
        using (var json = JsonDocument.Parse(r.Body))
        {
            Assert.Equal(("p1", "tvec \"bank\" match ✓"), (json.RootElement.GetProperty("item_id").GetString(), json.RootElement.GetProperty("reason").GetString()));
        }
        var signature = r.Headers["Vigil-Signature"];
        Assert.Matches("^v1=[0-9a-f]{64}$", signature);
        Assert.Equal("v1=" + WebhookSignature.Compute(secret!, r.Timestamp, r.Body), signature);
        Assert.Equal("v1=" + await OpenSslHmacAsync(secret!, $"{r.Timestamp}.{r.Text}"), signature);
        Assert.True(WebhookSignature.Verify(secret!, r.Timestamp, r.Body, signature));
        Assert.False(WebhookSignature.Verify(secret!, r.Timestamp + 1, r.Body, signature));

        var m = await h.MessageAsync(id);
        Assert.Equal((OutboxState.Delivered, 1, 200, (string?)null), (m.State, m.Attempts, m.LastStatusCode, m.LastError));
        Assert.Equal(h.Time.GetUtcNow(), m.DeliveredAt);
        Assert.Equal(0, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
        Assert.Single(receiver.Requests);
        Assert.DoesNotContain(secret!, await h.EverythingRecordedAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_failing_receiver_gets_retries_with_growing_backoff_then_the_message_is_dead_and_in_the_ledger(string provider)
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Respond = _ => Task.FromResult(new Answer(500));
        await using var h = await WebhookHarness.CreateAsync(provider);
        using var meter = new MetricsProbe(h.Metrics);
        var (platform, secret) = await h.PlatformAsync("chirp", receiver.Url);
        var id = await h.EnqueueAsync(platform, "account.suspended", new { AccountId = "u1" });

        var delays = new List<TimeSpan>();
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Equal(1, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
            var m = await h.MessageAsync(id);
            Assert.Equal((attempt, 500, "HTTP 500 Internal Server Error"), (m.Attempts, m.LastStatusCode, m.LastError));
            if (attempt == 5)
            {
                Assert.Equal(OutboxState.Dead, m.State);
                break;
            }
            Assert.Equal(OutboxState.Pending, m.State);
            var delay = m.NextAttemptAt - h.Time.GetUtcNow();
            var full = TimeSpan.FromSeconds(10 * Math.Pow(2, attempt - 1));
            Assert.InRange(delay, full * 0.8, full);
            delays.Add(delay);
            // Not before it is due.
            h.Time.Advance(delay - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
            h.Time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(delays.Order(), delays);
        Assert.Equal(5, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(id, r.DeliveryId));
        Assert.Equal(0, await h.Dispatcher.RunOnceAsync(CancellationToken.None));

        var dead = Assert.Single(h.LedgerEntries(), e => e.Event.Action == WebhookAudit.Dead);
        Assert.Equal((WebhookAudit.SubjectType, id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (dead.Event.Subject.Type, dead.Event.Subject.Id));
        Assert.Equal("account.suspended to platform 'chirp' dead after 5 attempts; last: HTTP 500 Internal Server Error", dead.Event.Reason);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(receiver.Requests[0].Body), dead.Event.PayloadSha256);
        Assert.Equal((0, 4, 1), (meter.Count("delivered"), meter.Count("retry"), meter.Count("dead")));
        Assert.Equal(5, meter.Durations);
        Assert.DoesNotContain(secret!, await h.EverythingRecordedAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Retry_after_on_429_and_503_is_honoured_instead_of_the_backoff(string provider)
    {
        await using var receiver = await Receiver.StartAsync();
        await using var h = await WebhookHarness.CreateAsync(provider);
        var (platform, _) = await h.PlatformAsync("chirp", receiver.Url);
        var id = await h.EnqueueAsync(platform, "decision.made", new { CaseId = 7 });

        receiver.Respond = _ => Task.FromResult(new Answer(429, new() { ["Retry-After"] = "120" }));
        await h.Dispatcher.RunOnceAsync(CancellationToken.None);
        var m = await h.MessageAsync(id);
        Assert.Equal((OutboxState.Pending, 429, h.Time.GetUtcNow() + TimeSpan.FromSeconds(120)), (m.State, m.LastStatusCode, m.NextAttemptAt));
        h.Time.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(0, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
        h.Time.Advance(TimeSpan.FromSeconds(1));

        var at = h.Time.GetUtcNow() + TimeSpan.FromMinutes(30);
        receiver.Respond = _ => Task.FromResult(new Answer(503, new() { ["Retry-After"] = at.ToString("R", System.Globalization.CultureInfo.InvariantCulture) }));
        Assert.Equal(1, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
        m = await h.MessageAsync(id);
        Assert.Equal((2, 503, at), (m.Attempts, m.LastStatusCode, m.NextAttemptAt));

        receiver.Respond = _ => Task.FromResult(new Answer(204));
        h.Time.SetUtcNow(at);
        Assert.Equal(1, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
        Assert.Equal((OutboxState.Delivered, 3, 204), ((await h.MessageAsync(id)).State, (await h.MessageAsync(id)).Attempts, (await h.MessageAsync(id)).LastStatusCode));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Messages_wait_without_a_url_survive_refused_connections_and_timeouts_and_are_delivered_once_the_platform_recovers(string provider)
    {
        await using var receiver = await Receiver.StartAsync();
        await using var h = await WebhookHarness.CreateAsync(provider);
        var (platform, _) = await h.PlatformAsync("chirp", null);
        var first = await h.EnqueueAsync(platform, "item.removed", new { ItemId = "a" });
        var second = await h.EnqueueAsync(platform, "item.restricted", new { ItemId = "b" });

        // No URL yet: nothing is sent and the messages stay pending, untouched.
        Assert.Equal(0, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
        Assert.Equal((OutboxState.Pending, 0), ((await h.MessageAsync(first)).State, (await h.MessageAsync(first)).Attempts));

        // A port nobody listens on: connection refused.
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await SetUrlAsync(h, "chirp", $"http://127.0.0.1:{port}/hooks");
        Assert.Equal(2, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
        var refused = await h.MessageAsync(first);
        Assert.Equal((OutboxState.Pending, 1, (int?)null), (refused.State, refused.Attempts, refused.LastStatusCode));
        Assert.StartsWith("request failed (ConnectionError)", refused.LastError, StringComparison.Ordinal);

        // A platform that accepts the connection but never answers: timed out after 10 s on the injected clock.
        await SetUrlAsync(h, "chirp", receiver.Url.ToString());
        var hang = new TaskCompletionSource<Answer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var requestsSeen = 0;
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = _ =>
        {
            if (Interlocked.Increment(ref requestsSeen) == 2)
            {
                bothArrived.TrySetResult();
            }
            return hang.Task;
        };
        h.Time.Advance(TimeSpan.FromSeconds(10));
        var run = h.Dispatcher.RunOnceAsync(CancellationToken.None);
        await bothArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        h.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        hang.SetResult(new Answer(504));
        var timedOut = await h.MessageAsync(second);
        Assert.Equal((OutboxState.Pending, 2, "timed out after 10 s without a response"), (timedOut.State, timedOut.Attempts, timedOut.LastError));

        // Back up: both go out on their next attempt, each answered 200 exactly once.
        receiver.Respond = _ => Task.FromResult(new Answer(200));
        h.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(2, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
        Assert.Equal(OutboxState.Delivered, (await h.MessageAsync(first)).State);
        Assert.Equal(OutboxState.Delivered, (await h.MessageAsync(second)).State);
        Assert.Equal([first, second], receiver.Requests.Where(r => r.Status == 200).Select(r => r.DeliveryId).Order());
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Respond = _ => Task.FromResult(new Answer(302, new() { ["Location"] = "http://127.0.0.1:1/elsewhere" }));
        await using var h = await WebhookHarness.CreateAsync("sqlite");
        var (platform, _) = await h.PlatformAsync("chirp", receiver.Url);
        var id = await h.EnqueueAsync(platform, "item.removed", new { ItemId = "a" });
        await h.Dispatcher.RunOnceAsync(CancellationToken.None);
        var m = await h.MessageAsync(id);
        Assert.Equal((OutboxState.Pending, 302, "HTTP 302 Found; redirects are not followed (Location: http://127.0.0.1:1/elsewhere)"), (m.State, m.LastStatusCode, m.LastError));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task One_slow_platform_gets_at_most_its_share_of_the_slots()
    {
        await using var slow = await Receiver.StartAsync();
        await using var fast = await Receiver.StartAsync();
        var release = new TaskCompletionSource<Answer>(TaskCreationOptions.RunContinuationsAsynchronously);
        slow.Respond = _ => release.Task;
        await using var h = await WebhookHarness.CreateAsync("sqlite", o => (o.MaxInFlight, o.MaxInFlightPerPlatform) = (6, 2));
        var (slowId, _) = await h.PlatformAsync("slow", slow.Url);
        var (fastId, _) = await h.PlatformAsync("fast", fast.Url);
        for (int i = 0; i < 10; i++)
        {
            await h.EnqueueAsync(slowId, "item.removed", new { ItemId = "s" + i });
        }
        for (int i = 0; i < 3; i++)
        {
            await h.EnqueueAsync(fastId, "item.removed", new { ItemId = "f" + i });
        }
        var run = h.Dispatcher.RunOnceAsync(CancellationToken.None);
        await fast.WaitForAsync(r => r.Count == 2);
        release.SetResult(new Answer(200));
        Assert.Equal(4, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, slow.Requests.Count);
        Assert.Equal(2, fast.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Saving_a_message_on_a_context_the_pool_handed_out_again_wakes_the_dispatcher(string provider)
    {
        await using var h = await WebhookHarness.CreateAsync(provider);
        var (platform, _) = await h.PlatformAsync("chirp", null);
        VigilDb first;
        await using (var db = h.Store.CreateContext())
        {
            first = db;
            Outbox.Enqueue(db, platform, "item.removed", new { ItemId = "a" }, h.Time.GetUtcNow());
            await db.SaveChangesAsync();
        }
        await using (var db = h.Store.CreateContext())
        {
            // EF clears a pooled context's event handlers when it goes back; the wake-up must not depend on them.
            Assert.Same(first, db);
            var wake = OutboxSignal.Next;
            Outbox.Enqueue(db, platform, "item.removed", new { ItemId = "b" }, h.Time.GetUtcNow());
            await db.SaveChangesAsync();
            Assert.True(wake.IsCompleted);
        }
    }

    internal static async Task SetUrlAsync(WebhookHarness h, string platform, string url)
    {
        await using var db = h.Store.CreateContext();
        await new PlatformWebhooks(db, h.Ledger, h.DataProtection, h.Time).SetAsync(platform, url, "test", "operator", CancellationToken.None);
    }

    /// <summary>HMAC-SHA256 by Debian's openssl, an implementation independent of .NET's.</summary>
    internal static async Task<string> OpenSslHmacAsync(string key, string message)
    {
        var psi = new ProcessStartInfo("openssl", ["dgst", "-sha256", "-hmac", key])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        await p.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(message));
        p.StandardInput.Close();
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await p.StandardError.ReadToEndAsync());
        // "SHA2-256(stdin)= <hex>"
        return output.Trim().Split("= ")[1];
    }
}
