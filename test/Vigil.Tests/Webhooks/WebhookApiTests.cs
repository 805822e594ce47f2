using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Accounts;
using Vigil.Platforms;
using Vigil.Server;
using Vigil.Storage;
using Vigil.Tests.Server;
using Vigil.Tests.Support;
using Vigil.Webhooks;

namespace Vigil.Tests.Webhooks;

public sealed partial class WebhookApiTests
{
    private const string Admin = "admin@example.org";
    private const string Lead = "lead@example.org";
    private const string Moderator = "mod@example.org";

    private static async Task<NewPlatformKey> PlatformAsync(RunningServer server, string name)
    {
        await using var db = server.Store.Store.CreateContext();
        return await new PlatformKeys(db, server.Ledger, TimeProvider.System).CreatePlatformAsync(name, "test", "operator", CancellationToken.None);
    }

    private static async Task<OutboxMessage> MessageAsync(VigilStore store, string platform, string eventType, OutboxState state = OutboxState.Pending, int attempts = 0, string? lastError = null)
    {
        await using var db = store.CreateContext();
        var id = await db.Platforms.Where(p => p.Name == platform).Select(p => p.Id).SingleAsync();
        var m = Outbox.Enqueue(db, id, eventType, new { Item = eventType }, TimeProvider.System.GetUtcNow());
        m.State = state;
        m.Attempts = attempts;
        m.LastError = lastError;
        m.LastStatusCode = state == OutboxState.Dead ? 500 : null;
        await db.SaveChangesAsync();
        return m;
    }

    private static HttpClient Client(RunningServer server, string key)
    {
        var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_platform_lists_and_redelivers_only_its_own_messages(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        var chirp = await PlatformAsync(server, "chirp");
        await PlatformAsync(server, "other");
        var pending = await MessageAsync(server.Store.Store, "chirp", "item.removed");
        var dead = await MessageAsync(server.Store.Store, "chirp", "appeal.resolved", OutboxState.Dead, 32, "HTTP 500 Internal Server Error");
        var foreign = await MessageAsync(server.Store.Store, "other", "item.removed", OutboxState.Dead, 32);
        using var client = Client(server, chirp.ApiKey);

        var all = await JsonAsync(await client.GetAsync(WebhookEndpoints.DeliveriesRoute), HttpStatusCode.OK);
        Assert.Equal([dead.Id, pending.Id], all.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        var deadOnly = (await JsonAsync(await client.GetAsync(WebhookEndpoints.DeliveriesRoute + "?state=dead&limit=10"), HttpStatusCode.OK)).GetProperty("deliveries");
        var d = Assert.Single(deadOnly.EnumerateArray());
        Assert.Equal(
            (dead.Id, "appeal.resolved", "dead", 32, JsonValueKind.Null, 500, "HTTP 500 Internal Server Error"),
            (d.GetProperty("id").GetInt64(), d.GetProperty("event").GetString(), d.GetProperty("state").GetString(), d.GetProperty("attempts").GetInt32(),
             d.GetProperty("next_attempt_at").ValueKind, d.GetProperty("last_status_code").GetInt32(), d.GetProperty("last_error").GetString()));
        // PostgreSQL keeps microseconds, so compare with what was stored rather than the in-memory value.
        await using (var db = server.Store.Store.CreateContext())
        {
            Assert.Equal((await db.OutboxMessages.SingleAsync(m => m.Id == dead.Id)).CreatedAt, d.GetProperty("created_at").GetDateTimeOffset());
        }
        Assert.Single((await JsonAsync(await client.GetAsync(WebhookEndpoints.DeliveriesRoute + "?limit=1"), HttpStatusCode.OK)).GetProperty("deliveries").EnumerateArray());

        Assert.Equal("'state' must be one of pending, delivered, dead (got 'lost')",
            (await JsonAsync(await client.GetAsync(WebhookEndpoints.DeliveriesRoute + "?state=lost"), HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        foreach (var bad in new[] { "0", "501", "ten", "-1" })
        {
            Assert.Equal($"'limit' must be an integer from 1 to 500 (got '{bad}')",
                (await JsonAsync(await client.GetAsync(WebhookEndpoints.DeliveriesRoute + "?limit=" + bad), HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        }

        // Another platform's message is not found, exactly like a missing one, and stays untouched.
        var other = await JsonAsync(await client.PostAsync($"/api/v1/webhooks/deliveries/{foreign.Id}/redeliver", null), HttpStatusCode.NotFound);
        Assert.Equal($"no delivery with id '{foreign.Id}'", other.GetProperty("detail").GetString());
        await JsonAsync(await client.PostAsync("/api/v1/webhooks/deliveries/999999/redeliver", null), HttpStatusCode.NotFound);
        await JsonAsync(await client.PostAsync("/api/v1/webhooks/deliveries/abc/redeliver", null), HttpStatusCode.NotFound);

        var requeued = await JsonAsync(await client.PostAsync($"/api/v1/webhooks/deliveries/{dead.Id}/redeliver", null), HttpStatusCode.Accepted);
        Assert.Equal(("pending", 0), (requeued.GetProperty("state").GetString(), requeued.GetProperty("attempts").GetInt32()));
        await using (var db = server.Store.Store.CreateContext())
        {
            Assert.Equal(OutboxState.Pending, (await db.OutboxMessages.SingleAsync(m => m.Id == dead.Id)).State);
            Assert.Equal(OutboxState.Dead, (await db.OutboxMessages.SingleAsync(m => m.Id == foreign.Id)).State);
        }
        var audit = Assert.Single(server.LedgerEntries(), e => e.Event.Action == WebhookAudit.Redelivered);
        Assert.Equal(("platform:chirp", dead.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (audit.Event.Actor, audit.Event.Subject.Id));

        // Without a key: 401; staff cookies do not open the platform API.
        using var anonymous = server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(WebhookEndpoints.DeliveriesRoute)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Staff_page_shows_counts_and_dead_letters_and_retry_is_a_recorded_post_with_antiforgery(string provider)
    {
        var (server, accounts) = await RunningServer.StartAsync(provider, (Admin, StaffRoles.Admin), (Lead, StaffRoles.TrustAndSafetyLead), (Moderator, StaffRoles.Moderator));
        await using var _s = server;
        await PlatformAsync(server, "<b>chirp</b>");
        await MessageAsync(server.Store.Store, "<b>chirp</b>", "item.removed");
        var dead = await MessageAsync(server.Store.Store, "<b>chirp</b>", "item.restricted", OutboxState.Dead, 32, "HTTP 500 <script>alert(1)</script>");

        using var moderator = await RunningServer.SignedInAsync(server, accounts[Moderator]);
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetAsync("/admin/webhooks")).StatusCode);

        using var admin = await RunningServer.SignedInAsync(server, accounts[Admin]);
        var html = await (await admin.GetAsync("/admin/webhooks")).Content.ReadAsStringAsync();
        Assert.Contains("<tr><td>&lt;b&gt;chirp&lt;/b&gt;</td><td><em>not set</em></td><td>1</td><td>0</td><td>1</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("HTTP 500 &lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains($"action=\"/admin/webhooks/{dead.Id}/retry\"", html, StringComparison.Ordinal);

        // Without the antiforgery token: refused, nothing changes.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync($"/admin/webhooks/{dead.Id}/retry", new FormUrlEncodedContent([]))).StatusCode);
        await using (var db = server.Store.Store.CreateContext())
        {
            Assert.Equal(OutboxState.Dead, (await db.OutboxMessages.SingleAsync(m => m.Id == dead.Id)).State);
        }

        using var lead = await RunningServer.SignedInAsync(server, accounts[Lead]);
        var token = await RunningServer.FormTokenAsync(lead, "/admin/webhooks");
        var retry = await lead.PostAsync($"/admin/webhooks/{dead.Id}/retry", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal((HttpStatusCode.Redirect, "/admin/webhooks"), (retry.StatusCode, retry.Headers.Location?.OriginalString));
        await using (var db = server.Store.Store.CreateContext())
        {
            var m = await db.OutboxMessages.SingleAsync(x => x.Id == dead.Id);
            Assert.Equal((OutboxState.Pending, 0), (m.State, m.Attempts));
        }
        var audit = Assert.Single(server.LedgerEntries(), e => e.Event.Action == WebhookAudit.Retried);
        Assert.Equal((Lead, StaffRoles.TrustAndSafetyLead, dead.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (audit.Event.Actor, audit.Event.Role, audit.Event.Subject.Id));

        // Retrying again: it is no longer dead.
        var again = await lead.PostAsync($"/admin/webhooks/{dead.Id}/retry", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task After_a_restart_on_the_same_store_pending_messages_reach_the_recovered_receiver_exactly_once(string provider)
    {
        await using var receiver = await Receiver.StartAsync();
        var store = await TestStore.CreateAsync(provider);
        await using var _store = store;
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var ids = new List<long>();
        await using (var db = await store.Store.OpenAsync(CancellationToken.None))
        {
            await using var ledger = Vigil.Ledger.LedgerLog.OpenDataDirectory(store.Store.DataDirectory.FullName);
            await new PlatformKeys(db, ledger, time).CreatePlatformAsync("chirp", "test", "operator", CancellationToken.None);
            await new PlatformWebhooks(db, ledger, VigilKeyRing.CreateProvider(store.Store.DataDirectory), time)
                .SetAsync("chirp", receiver.Url.ToString(), "test", "operator", CancellationToken.None);
            var platform = await db.Platforms.SingleAsync();
            var messages = Enumerable.Range(0, 6).Select(i => Outbox.Enqueue(db, platform.Id, "item.removed", new { ItemId = "r" + i }, time.GetUtcNow())).ToList();
            await db.SaveChangesAsync();
            ids.AddRange(messages.Select(m => m.Id));
        }

        // First server: the platform is down (503); every message is tried once, then the server stops.
        receiver.Respond = _ => Task.FromResult(new Answer(503));
        var first = await VigilServer.BuildAsync(store.Store, "http://127.0.0.1:0", time, CancellationToken.None);
        await first.StartAsync();
        await receiver.WaitForAsync(r => r.Select(x => x.DeliveryId).Distinct().Count() == ids.Count);
        await first.StopAsync();
        await first.DisposeAsync();

        // Second server on the same store, past every retry and lease: each message reaches the 200 receiver once.
        receiver.Respond = _ => Task.FromResult(new Answer(200));
        time.Advance(TimeSpan.FromMinutes(5));
        var second = await VigilServer.BuildAsync(store.Store, "http://127.0.0.1:0", time, CancellationToken.None);
        using var metrics = new MetricsProbe(second.Services.GetRequiredService<WebhookMetrics>());
        await second.StartAsync();
        await receiver.WaitForAsync(r => r.Count(x => x.Status == 200) >= ids.Count);

        // The fake clock stands still, so no poll fires: only saving a new message wakes the dispatcher.
        await using (var db = store.Store.CreateContext())
        {
            var m = Outbox.Enqueue(db, await db.Platforms.Select(p => p.Id).SingleAsync(), "decision.made", new { CaseId = 1 }, time.GetUtcNow());
            await db.SaveChangesAsync();
            ids.Add(m.Id);
        }
        // The receiver records a request before its answer reaches Vigil; wait until Vigil has recorded every delivery.
        await metrics.WaitForAsync("delivered", ids.Count);
        await second.StopAsync();
        await second.DisposeAsync();

        Assert.Equal(ids, receiver.Requests.Where(r => r.Status == 200).Select(r => r.DeliveryId).Order());
        await using (var db = store.Store.CreateContext())
        {
            Assert.All(await db.OutboxMessages.Where(m => ids.Contains(m.Id)).ToListAsync(), m => Assert.Equal(OutboxState.Delivered, m.State));
        }
    }

    [GeneratedRegex("^signing secret: (whsec_[A-Za-z0-9_-]{43})$", RegexOptions.Multiline)]
    internal static partial Regex SecretLine();
}
