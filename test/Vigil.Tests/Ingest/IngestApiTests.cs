using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Ingest;
using Vigil.Platforms;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Ingest;

public sealed class IngestApiTests
{
    private static async Task<NewPlatformKey> NewKeyAsync(RunningServer server, string name = "chirp")
    {
        await using var db = server.Store.Store.CreateContext();
        return await new PlatformKeys(db, server.Ledger, TimeProvider.System).CreatePlatformAsync(name, "test", "operator", CancellationToken.None);
    }

    private static HttpClient Client(RunningServer server, string? key)
    {
        var client = server.Client();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string json) =>
        client.PostAsync(IngestEndpoints.Route, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<List<(int Index, string? ItemId, string Status, string? Reason)>> ResultsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var doc = JsonDocument.Parse(text);
        return [.. doc.RootElement.GetProperty("results").EnumerateArray().Select(r => (
            r.GetProperty("index").GetInt32(),
            r.TryGetProperty("item_id", out var id) ? id.GetString() : null,
            r.GetProperty("status").GetString()!,
            r.TryGetProperty("reason", out var reason) ? reason.GetString() : null))];
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("detail").GetString()!;
    }

    private static async Task<List<IngestItem>> StoredAsync(RunningServer server)
    {
        await using var db = server.Store.Store.CreateContext();
        return await db.IngestItems.AsNoTracking().OrderBy(x => x.Id).ToListAsync();
    }

    private static string Post(string id, string text = "hello") =>
        $$"""{ "item_id": "{{id}}", "type": "post", "account_id": "u1", "created_at": "2026-11-27T09:00:00Z", "text": "{{text}}" }""";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Valid_key_is_accepted_and_unknown_revoked_or_missing_keys_get_401_problems(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        var key = await NewKeyAsync(server);
        Assert.Matches("^vgl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", key.ApiKey);
        var batch = $$"""{ "events": [ {{Post("p1")}} ] }""";

        using (var valid = Client(server, key.ApiKey))
        {
            Assert.Equal([(0, "p1", "accepted", null)], await ResultsAsync(await PostAsync(valid, batch)));
        }
        using (var missing = Client(server, null))
        {
            Assert.StartsWith("an API key is required", await ProblemDetailAsync(await PostAsync(missing, batch), HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        }
        var wrongSecret = key.ApiKey[..^4] + (key.ApiKey.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        foreach (var bad in new[] { wrongSecret, "vgl_0000000000000000_" + new string('x', 43), "not-a-vigil-key" })
        {
            using var unknown = Client(server, bad);
            Assert.Equal("unknown or revoked API key", await ProblemDetailAsync(await PostAsync(unknown, batch), HttpStatusCode.Unauthorized));
        }

        await using (var db = server.Store.Store.CreateContext())
        {
            Assert.True(await new PlatformKeys(db, server.Ledger, TimeProvider.System).RevokeKeyAsync(key.KeyId, "test", "operator", CancellationToken.None));
        }
        using (var revoked = Client(server, key.ApiKey))
        {
            Assert.Equal("unknown or revoked API key", await ProblemDetailAsync(await PostAsync(revoked, batch), HttpStatusCode.Unauthorized));
        }
        Assert.Single(await StoredAsync(server));
        var audit = server.LedgerEntries().Where(e => e.Event.Subject.Type == PlatformKeys.SubjectType).Select(e => (e.Event.Action, e.Event.Subject.Id, e.Event.Reason)).ToList();
        Assert.Equal(
            [(PlatformKeys.PlatformCreated, "chirp", "platform registered"),
             (PlatformKeys.KeyCreated, "chirp", "api key " + key.KeyId),
             (PlatformKeys.KeyRevoked, "chirp", "api key " + key.KeyId)],
            audit);
        Assert.All(server.LedgerEntries(), e => Assert.DoesNotContain(key.ApiKey[^43..], Encoding.UTF8.GetString(e.CanonicalJson), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Mixed_batch_stores_the_good_items_and_names_each_bad_one_with_its_reason(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        var key = await NewKeyAsync(server);
        using var client = Client(server, key.ApiKey);
        var png = Convert.ToBase64String([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
        var batch = $$"""
            { "events": [
              {{Post("a1")}},
              { "item_id": "a2", "type": "post", "created_at": "2026-11-27T09:00:00Z" },
              { "item_id": "a3", "type": "tweet", "account_id": "u1", "created_at": "2026-11-27T09:00:00Z" },
              { "item_id": "a4", "type": "image", "account_id": "u1", "created_at": "2026-11-27T09:00:00Z", "image_base64": "@@not base64@@" },
              { "item_id": "a5", "type": "image", "account_id": "u2", "created_at": "2026-11-27T09:00:00+02:00", "image_base64": "{{png}}", "metadata": { "lang": "fr" } },
              { "item_id": "a6", "type": "direct_message", "account_id": "u1", "created_at": "2026-11-27T09:00:00Z", "e2ee": true, "text": "secret" },
              { "item_id": "a7", "type": "direct_message", "account_id": "u1", "created_at": "2026-11-27T09:00:00Z", "e2ee": true, "metadata": { "recipients": 3 } },
              { "item_id": "a8", "type": "post", "account_id": "u1", "created_at": "2026-11-27T09:00:00Z", "colour": "red" },
              { "item_id": "a9", "type": "post", "account_id": "u1", "created_at": "yesterday" },
              42
            ] }
            """;
        var results = await ResultsAsync(await PostAsync(client, batch));
        Assert.Equal(
            [(0, "a1", "accepted", null),
             (1, "a2", "rejected", "missing field 'account_id'"),
             (2, "a3", "rejected", "unknown type 'tweet'; one of: post, comment, direct_message, image, profile_update, account"),
             (3, "a4", "rejected", "'image_base64' is not valid base64"),
             (4, "a5", "accepted", null),
             (5, "a6", "rejected", IngestBatch.E2eeBodyRefused),
             (6, "a7", "accepted", null),
             (7, "a8", "rejected", "unknown field 'colour'"),
             (8, "a9", "rejected", "'created_at' must be an ISO 8601 date-time string with an offset, e.g. 2026-11-27T09:00:00Z"),
             (9, null, "rejected", "an event must be a JSON object")],
            results);

        var stored = await StoredAsync(server);
        Assert.Equal(["a1", "a5", "a7"], stored.Select(x => x.ItemId));
        var image = stored[1];
        Assert.Equal(("image", "u2", new DateTimeOffset(2026, 11, 27, 7, 0, 0, TimeSpan.Zero)), (image.Type, image.AccountId, image.CreatedAt.ToUniversalTime()));
        Assert.Equal(Convert.FromBase64String(png), image.Image);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Convert.FromBase64String(png)), image.ImageSha256);
        Assert.Equal("""{ "lang": "fr" }""", image.Metadata);
        Assert.True(stored[2].E2ee);
        Assert.Null(stored[2].Text);
        Assert.Equal("hello", stored[0].Text);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Sending_the_same_batch_twice_reports_duplicates_and_stores_nothing_new(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        var key = await NewKeyAsync(server);
        var other = await NewKeyAsync(server, "other");
        using var client = Client(server, key.ApiKey);
        var batch = $$"""{ "events": [ {{Post("d1")}}, {{Post("d2")}}, {{Post("d1", "again")}} ] }""";
        Assert.Equal([(0, "d1", "accepted", null), (1, "d2", "accepted", null), (2, "d1", "duplicate", null)], await ResultsAsync(await PostAsync(client, batch)));
        Assert.Equal(2, (await StoredAsync(server)).Count);
        Assert.Equal([(0, "d1", "duplicate", null), (1, "d2", "duplicate", null), (2, "d1", "duplicate", null)], await ResultsAsync(await PostAsync(client, batch)));
        Assert.Equal(2, (await StoredAsync(server)).Count);

        // Item ids are per platform: another platform's d1 is a different item.
        using var otherClient = Client(server, other.ApiKey);
        Assert.Equal("accepted", (await ResultsAsync(await PostAsync(otherClient, $$"""{ "events": [ {{Post("d1")}} ] }""")))[0].Status);
        Assert.Equal(3, (await StoredAsync(server)).Count);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Concurrent_batches_with_the_same_ids_accept_each_item_exactly_once(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        var key = await NewKeyAsync(server);
        var batch = "{ \"events\": [" + string.Join(",", Enumerable.Range(0, 50).Select(i => Post("c" + i))) + "] }";
        var clients = Enumerable.Range(0, 4).Select(_ => Client(server, key.ApiKey)).ToList();
        try
        {
            var all = await Task.WhenAll(clients.Select(async c => await ResultsAsync(await PostAsync(c, batch))));
            for (int i = 0; i < 50; i++)
            {
                Assert.Equal(1, all.Count(r => r[i].Status == "accepted"));
                Assert.Equal(3, all.Count(r => r[i].Status == "duplicate"));
            }
            Assert.Equal(50, (await StoredAsync(server)).Count);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Bad_requests_get_precise_problems_and_store_nothing()
    {
        var (server, _) = await RunningServer.StartAsync("sqlite");
        await using var _s = server;
        var key = await NewKeyAsync(server);
        using var client = Client(server, key.ApiKey);

        var malformed = await ProblemDetailAsync(await PostAsync(client, "{ \"events\": [\n  { \"item_id\": \"x\", }\n] }"), HttpStatusCode.BadRequest);
        Assert.StartsWith("malformed JSON at line 2, byte ", malformed, StringComparison.Ordinal);

        var tooMany = "{ \"events\": [" + string.Join(",", Enumerable.Range(0, IngestBatch.MaxEvents + 1).Select(i => Post("m" + i))) + "] }";
        Assert.Equal("1001 events in one batch; at most 1000 are allowed", await ProblemDetailAsync(await PostAsync(client, tooMany), HttpStatusCode.BadRequest));

        Assert.Equal("unknown top-level field 'evnts'; the only field is 'events'", await ProblemDetailAsync(await PostAsync(client, "{ \"evnts\": [] }"), HttpStatusCode.BadRequest));
        Assert.Equal("'events' must be present and be an array", await ProblemDetailAsync(await PostAsync(client, "{ \"events\": {} }"), HttpStatusCode.BadRequest));

        var invalidUtf8 = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{ \"events\": [ { \"item_id\": \""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\" } ] }")]);
        invalidUtf8.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.Equal("the body is not valid UTF-8", await ProblemDetailAsync(await client.PostAsync(IngestEndpoints.Route, invalidUtf8), HttpStatusCode.BadRequest));

        var big = new ByteArrayContent(new byte[IngestEndpoints.MaxBodyBytes + 1]);
        big.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsync(IngestEndpoints.Route, big)).StatusCode);

        // Without Content-Length (chunked) the cap applies while reading.
        var chunked = new StreamContent(new MemoryStream(new byte[IngestEndpoints.MaxBodyBytes + 1]));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, IngestEndpoints.Route) { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(request)).StatusCode);

        Assert.Empty(await StoredAsync(server));
    }

    [Fact]
    public async Task The_ingest_endpoint_requires_the_platform_policy_and_staff_cookies_do_not_open_it()
    {
        var (server, accounts) = await RunningServer.StartAsync("sqlite", ("admin@example.org", Vigil.Accounts.StaffRoles.Admin));
        await using var _s = server;
        using var staff = await RunningServer.SignedInAsync(server, accounts["admin@example.org"]);
        Assert.StartsWith("an API key is required", await ProblemDetailAsync(await PostAsync(staff, $$"""{ "events": [ {{Post("s1")}} ] }"""), HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        var endpoint = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => e.RoutePattern.RawText == IngestEndpoints.Route);
        Assert.Equal([PlatformKeyAuthenticationHandler.Policy], endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(p => p.Policy));
        Assert.Null(endpoint.Metadata.GetMetadata<IAllowAnonymous>());
    }
}
