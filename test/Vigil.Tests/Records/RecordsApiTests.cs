using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Platforms;
using Vigil.Records;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Records;

public sealed class RecordsApiTests
{
    private static readonly string Recent = TimeProvider.System.GetUtcNow().AddDays(-3).ToString("O", CultureInfo.InvariantCulture);

    private static async Task<HttpClient> ClientAsync(RunningServer server)
    {
        await using var db = server.Store.Store.CreateContext();
        var key = await new PlatformKeys(db, server.Ledger, TimeProvider.System).CreatePlatformAsync("chirp", "test", "operator", CancellationToken.None);
        var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.ApiKey);
        return client;
    }

    private static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string category, string records) =>
        client.PostAsync($"/api/v1/records/{category}", new StringContent($$"""{ "records": [ {{records}} ] }""", Encoding.UTF8, "application/json"));

    private static async Task<List<JsonElement>> ResultsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var doc = JsonDocument.Parse(text);
        return [.. doc.RootElement.GetProperty("results").EnumerateArray().Select(e => e.Clone())];
    }

    private static string Status(JsonElement r) => r.GetProperty("status").GetString()!;

    private static async Task<long> CountAsync(RunningServer server, string table)
    {
        await using var db = server.Store.Store.CreateContext();
        return await RecordsKit.CountAsync(db, table);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Json_batch_keeps_good_records_refuses_bad_ones_by_field_and_resending_is_a_duplicate(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        using var client = await ClientAsync(server);
        var batch = $$"""
            { "account_id": "u1", "at": "{{Recent}}", "ip_address": "2001:DB8::1", "source_port": 40000, "device_id": "d1" },
            { "account_id": "u2", "at": "{{Recent}}", "ip_address": "999.1.1.1" },
            { "account_id": "u3", "at": "2999-01-01T00:00:00Z", "ip_address": "192.0.2.1" },
            { "account_id": "u4", "at": "{{Recent}}", "ip_address": "192.0.2.1", "colour": "red" },
            { "account_id": "u5", "at": "{{Recent}}", "ip_address": "192.0.2.1", "source_port": "80" },
            { "account_id": "u6", "at": "1970-01-01T00:00:00Z", "ip_address": "192.0.2.1" }
            """;
        var first = await ResultsAsync(await PostJsonAsync(client, "access_logs", batch));
        Assert.Equal(["accepted", "rejected", "rejected", "rejected", "rejected", "rejected"], first.Select(Status));
        Assert.Equal(["ip_address", "at", "colour", "source_port", "at"], first.Skip(1).Select(r => r.GetProperty("field").GetString()));
        Assert.All(first.Skip(1), r => Assert.Equal(400, r.GetProperty("http_status").GetInt32()));
        Assert.Contains("future", first[2].GetProperty("reason").GetString(), StringComparison.Ordinal);

        var again = await ResultsAsync(await PostJsonAsync(client, "access_logs", batch));
        Assert.Equal("duplicate", Status(again[0]));
        Assert.Equal(1, await CountAsync(server, "access_logs"));
        await using var db = server.Store.Store.CreateContext();
        Assert.Equal("2001:db8::1", Assert.Single(db.AccessLogs).IpAddress);
        // Refusals are written to the ledger (field names only, never values).
        var refused = server.LedgerEntries().Where(e => e.Event.Action == RecordAudit.Refused).ToList();
        Assert.Equal(2, refused.Count);
        Assert.DoesNotContain("999.1.1.1", refused[0].Event.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Subscribers_are_normalised_and_updated_in_place(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        using var client = await ClientAsync(server);
        const string Sub = """{ "account_id": "u1", "username": "Alice", "names_given": "Alice A", "email": "Alice@Example.org", "phone": "+44 20 7946 0958", "created_at": "2024-01-01T00:00:00Z", "country": "gb", "us_person": false }""";
        var r = await ResultsAsync(await PostJsonAsync(client, "subscribers", Sub + """, { "account_id": "u2", "created_at": "2024-01-01T00:00:00Z", "phone": "12" }"""));
        Assert.Equal(["accepted", "rejected"], r.Select(Status));
        Assert.Equal("phone", r[1].GetProperty("field").GetString());
        Assert.Equal("duplicate", Status(Assert.Single(await ResultsAsync(await PostJsonAsync(client, "subscribers", Sub)))));
        Assert.Equal("accepted", Status(Assert.Single(await ResultsAsync(await PostJsonAsync(client, "subscribers", Sub.Replace("Alice A", "Alice B", StringComparison.Ordinal))))));
        await using var db = server.Store.Store.CreateContext();
        var s = Assert.Single(db.SubscriberRecords);
        Assert.Equal(("alice", "alice@example.org", "+442079460958", "GB", "Alice B"), (s.Username, s.Email, s.Phone, s.Country, s.NamesGiven));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Ndjson_stream_answers_each_line_and_names_the_line_and_field_of_errors(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        using var client = await ClientAsync(server);
        var body = new MemoryStream();
        void Line(string s) => body.Write(Encoding.UTF8.GetBytes(s + "\n"));
        Line($$"""{ "message_id": "m1", "sender": "u1", "recipients": ["u2", "u3"], "at": "{{Recent}}", "size_bytes": 120, "e2ee": true }""");
        Line($$"""{ "message_id": "m2", "sender": "u1", "recipients": ["u2"], "at": "{{Recent}}", "size_bytes": 5, "e2ee": true, "body": "secret" }""");
        body.Write([0x7b, 0xff, 0xfe, 0x7d, 0x0a]);
        Line("{ not json");
        Line("");
        Line($$"""{ "message_id": "m3", "sender": "u1", "recipients": [], "at": "{{Recent}}", "size_bytes": 5, "e2ee": false }""");
        Line($$"""{ "message_id": "m1", "sender": "u1", "recipients": ["u2", "u3"], "at": "{{Recent}}", "size_bytes": 120, "e2ee": true }""");
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(RecordsEndpoints.NdjsonMediaType);
        var response = await client.PostAsync("/api/v1/records/message_metadata", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(RecordsEndpoints.NdjsonMediaType, response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var results = lines.Where(l => l.TryGetProperty("line", out _)).ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], results.Select(r => r.GetProperty("line").GetInt32()));
        Assert.Equal(["accepted", "rejected", "rejected", "rejected", "rejected", "rejected", "duplicate"], results.Select(Status));
        Assert.Equal(422, results[1].GetProperty("http_status").GetInt32());
        Assert.Equal("body", results[1].GetProperty("field").GetString());
        Assert.Contains("line 3 is not valid UTF-8", results[2].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("line 6, field 'recipients'", results[5].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var summary = lines.Last().GetProperty("summary");
        Assert.Equal((1, 1, 5), (summary.GetProperty("accepted").GetInt32(), summary.GetProperty("duplicate").GetInt32(), summary.GetProperty("rejected").GetInt32()));
        Assert.Equal(1, await CountAsync(server, "message_metadata"));
        // One index row for the sender and one per recipient.
        Assert.Equal(3, await CountAsync(server, "message_participants"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task End_to_end_encrypted_items_are_refused_whole_and_media_hashes_are_checked(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        using var client = await ClientAsync(server);
        var r = await ResultsAsync(await PostJsonAsync(client, "stored_content", $$"""
            { "item_id": "i1", "account_id": "u1", "at": "{{Recent}}", "content_type": "text/plain", "text": "hello" },
            { "item_id": "i2", "account_id": "u1", "at": "{{Recent}}", "content_type": "text/plain", "text": "hidden", "e2ee": true },
            { "item_id": "i3", "account_id": "u1", "at": "{{Recent}}", "content_type": "image/jpeg", "body_base64": "not base64!" }
            """));
        Assert.Equal(["accepted", "rejected", "rejected"], r.Select(Status));
        Assert.Equal((422, "e2ee"), (r[1].GetProperty("http_status").GetInt32(), r[1].GetProperty("field").GetString()));
        Assert.Equal("body_base64", r[2].GetProperty("field").GetString());
        Assert.Equal(1, await CountAsync(server, "stored_content"));

        var h = await ResultsAsync(await PostJsonAsync(client, "media_hashes", $$"""
            { "item_id": "i1", "account_id": "u1", "at": "{{Recent}}", "algorithm": "sha256", "hash": "{{new string('A', 64)}}" },
            { "item_id": "i1", "account_id": "u1", "at": "{{Recent}}", "algorithm": "md5", "hash": "abc" },
            { "item_id": "i1", "account_id": "u1", "at": "{{Recent}}", "algorithm": "crc32", "hash": "abcd1234" }
            """));
        Assert.Equal(["accepted", "rejected", "rejected"], h.Select(Status));
        Assert.Equal(["hash", "algorithm"], h.Skip(1).Select(x => x.GetProperty("field").GetString()));
        await using var db = server.Store.Store.CreateContext();
        Assert.Equal(new string('a', 64), Assert.Single(db.MediaHashes).Hash);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Request_level_problems_are_precise_4xx_and_store_nothing(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        using var client = await ClientAsync(server);
        var unknown = await PostJsonAsync(client, "diaries", "{}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var text = await client.PostAsync("/api/v1/records/access_logs", new StringContent("x", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        var invalid = new ByteArrayContent([0x7b, 0xff, 0x7d]);
        invalid.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var bad = await client.PostAsync("/api/v1/records/access_logs", invalid);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("UTF-8", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var big = new ByteArrayContent(new byte[17 * 1024 * 1024]);
        big.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsync("/api/v1/records/access_logs", big)).StatusCode);
        var noAuth = server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostJsonAsync(noAuth, "access_logs", "")).StatusCode);
        Assert.Equal(0, await CountAsync(server, "access_logs"));
    }
}
