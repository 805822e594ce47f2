using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Ingest;
using Vigil.Ledger;
using Vigil.Pipeline;
using Vigil.Platforms;
using Vigil.Server;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Pipeline;

/// <summary>The pipeline inside the real server: the reports API, the rules status API and the background worker.</summary>
public sealed class PipelineServerTests
{
    private const string Threat = "I will kill the soldiers at the barracks tomorrow";

    private static async Task<NewPlatformKey> NewKeyAsync(VigilStoreHolder s)
    {
        await using var db = s.Store.CreateContext();
        return await new PlatformKeys(db, s.Ledger, TimeProvider.System).CreatePlatformAsync("chirp", "test", "operator", CancellationToken.None);
    }

    private static HttpClient Client(Uri address, string key)
    {
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string route, string json) =>
        client.PostAsync(route, new StringContent(json, Encoding.UTF8, "application/json"));

    private static string Event(string id, string text) =>
        $$"""{ "item_id": "{{id}}", "type": "post", "account_id": "u1", "created_at": "2026-11-27T09:00:00Z", "text": "{{text}}", "metadata": {"country": "BE"} }""";

    private static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("detail").GetString()!;
    }

    private static async Task<List<(int Index, string? Id, string Status, string? Reason)>> ResultsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var doc = JsonDocument.Parse(text);
        return [.. doc.RootElement.GetProperty("results").EnumerateArray().Select(r => (
            r.GetProperty("index").GetInt32(),
            r.TryGetProperty("report_id", out var id) ? id.GetString() : null,
            r.GetProperty("status").GetString()!,
            r.TryGetProperty("reason", out var reason) ? reason.GetString() : null))];
    }

    /// <summary>Waits (bounded) for the background worker; the worker, not a timer, decides when it is done.</summary>
    private static async Task WaitProcessedAsync(Vigil.Storage.VigilStore store, int expected)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (TimeProvider.System.TimestampFrequency * 20);
        while (true)
        {
            await using (var db = store.CreateContext())
            {
                if (await db.IngestItems.CountAsync(i => i.ProcessedAt != null) >= expected)
                {
                    return;
                }
            }
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, "the worker did not process the items in time");
            await Task.Delay(25);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Reports_api_answers_bad_input_precisely_and_stores_nothing_partial(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        var holder = new VigilStoreHolder(server.Store.Store, server.Ledger);
        var key = await NewKeyAsync(holder);
        using var client = Client(server.Address, key.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, IngestEndpoints.Route, $$"""{ "events": [ {{Event("p1", "hello")}} ] }""")).StatusCode);

        Assert.Equal("malformed JSON at line 2, byte 17",
            await ProblemAsync(await PostAsync(client, ReportEndpoints.Route, "{ \"reports\": [\n  {\"report_id\": }"), HttpStatusCode.BadRequest));
        Assert.Equal("unknown top-level field 'events'; the only field is 'reports'",
            await ProblemAsync(await PostAsync(client, ReportEndpoints.Route, """{ "events": [] }"""), HttpStatusCode.BadRequest));
        var tooMany = "{ \"reports\": [" + string.Join(",", Enumerable.Repeat("{}", ReportBatch.MaxReports + 1)) + "] }";
        Assert.Equal($"{ReportBatch.MaxReports + 1} reports in one batch; at most {ReportBatch.MaxReports} are allowed",
            await ProblemAsync(await PostAsync(client, ReportEndpoints.Route, tooMany), HttpStatusCode.BadRequest));
        var huge = """{ "reports": [ { "report_id": "r", "item_id": "p1", "reason": """ + "\"" + new string('x', (int)ReportBatch.MaxBodyBytes) + "\" } ] }";
        Assert.StartsWith("the body is over", await ProblemAsync(await PostAsync(client, ReportEndpoints.Route, huge), HttpStatusCode.RequestEntityTooLarge), StringComparison.Ordinal);

        var mixed = """
            { "reports": [
              { "report_id": "r1", "item_id": "p1", "reporter_account_id": "a1", "reason": "terror propaganda" },
              { "report_id": "r2", "item_id": "nope", "reason": "spam" },
              { "report_id": "r3", "item_id": "p1" },
              { "report_id": "r4", "item_id": "p1", "reason": "x", "colour": "red" },
              { "report_id": 5, "item_id": "p1", "reason": "x" },
              { "report_id": "r1", "item_id": "p1", "reason": "again" }
            ] }
            """;
        Assert.Equal(
            [(0, "r1", "accepted", null),
             (1, "r2", "rejected", "unknown item 'nope': send it to /api/v1/events before reporting it"),
             (2, "r3", "rejected", "missing field 'reason'"),
             (3, "r4", "rejected", "unknown field 'colour'"),
             (4, null, "rejected", "'report_id' must be a string"),
             (5, "r1", "duplicate", null)],
            await ResultsAsync(await PostAsync(client, ReportEndpoints.Route, mixed)));
        // Resending is safe.
        Assert.Equal([(0, "r1", "duplicate", null)],
            await ResultsAsync(await PostAsync(client, ReportEndpoints.Route, """{ "reports": [ { "report_id": "r1", "item_id": "p1", "reason": "x" } ] }""")));

        await using var db = server.Store.Store.CreateContext();
        var stored = await db.UserReports.AsNoTracking().ToListAsync();
        Assert.Equal([("r1", "a1", "terror propaganda")], stored.Select(r => (r.ReportId, r.ReporterAccountId, r.Reason)));

        using var anonymous = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(anonymous, ReportEndpoints.Route, """{ "reports": [] }""")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Rules_status_shows_version_and_the_last_error_while_the_previous_rules_stay(string provider)
    {
        var (server, accounts) = await RunningServer.StartAsync(provider, ("lead@example.org", StaffRoles.TrustAndSafetyLead), ("mod@example.org", StaffRoles.Moderator));
        await using var _s = server;
        var rules = server.App.Services.GetRequiredService<PipelineRules>();
        var folder = Path.Combine(server.Store.Store.DataDirectory.FullName, "rules");
        // Seeded from the shipped rules on first start.
        Assert.True(File.Exists(Path.Combine(folder, "terrorism.yaml")));
        var version = rules.Active!.Version;

        using var lead = await RunningServer.SignedInAsync(server, accounts["lead@example.org"]);
        using (var doc = JsonDocument.Parse(await lead.GetStringAsync(DetectionPipeline.RulesStatusRoute)))
        {
            Assert.Equal(version, doc.RootElement.GetProperty("version").GetString());
            Assert.Equal(5, doc.RootElement.GetProperty("rule_count").GetInt32());
            Assert.Empty(doc.RootElement.GetProperty("last_errors").EnumerateArray());
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "local.yaml"), "rules:\n  - id: typo\n    mode: enforce\n    when: {text_contains_any: [x]}\n    then: [{remove: {reason: \"{oops}\"}}]\n");
        await rules.ReloadAsync(default);

        using (var doc = JsonDocument.Parse(await lead.GetStringAsync(DetectionPipeline.RulesStatusRoute)))
        {
            Assert.Equal(version, doc.RootElement.GetProperty("version").GetString());
            var error = Assert.Single(doc.RootElement.GetProperty("last_errors").EnumerateArray()).GetString()!;
            Assert.Contains("local.yaml:5:", error, StringComparison.Ordinal);
            Assert.Contains("{oops}", error, StringComparison.Ordinal);
            Assert.NotEqual(JsonValueKind.Null, doc.RootElement.GetProperty("last_error_at").ValueKind);
        }
        Assert.Contains(server.LedgerEntries(), e => e.Event.Action == PipelineRules.Rejected && e.Event.Reason.Contains("local.yaml:5:", StringComparison.Ordinal));

        using var moderator = await RunningServer.SignedInAsync(server, accounts["mod@example.org"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetAsync(DetectionPipeline.RulesStatusRoute)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Items_accepted_before_a_restart_are_processed_after_it_and_new_items_wake_the_worker(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        string apiKey;
        // First run: the worker is off, so accepted items stay queued when the server stops.
        await using (var first = await VigilServer.BuildAsync(store.Store, "http://127.0.0.1:0", TimeProvider.System, default))
        {
            first.Services.GetRequiredService<PipelineOptions>().RunInBackground = false;
            await first.StartAsync();
            var key = await NewKeyAsync(new VigilStoreHolder(store.Store, first.Services.GetRequiredService<LedgerLog>()));
            apiKey = key.ApiKey;
            using var client = Client(new Uri(VigilServer.Addresses(first).Single()), apiKey);
            var ok = await PostAsync(client, IngestEndpoints.Route, $$"""{ "events": [ {{Event("a", "hello")}}, {{Event("b", Threat)}} ] }""");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            await first.StopAsync();
        }
        await using (var db = store.Store.CreateContext())
        {
            Assert.Equal(2, await db.IngestItems.CountAsync(i => i.ProcessedAt == null));
        }

        // Second run, with the real background service: the queued items are picked up.
        await using var second = await VigilServer.BuildAsync(store.Store, "http://127.0.0.1:0", TimeProvider.System, default);
        second.Services.GetRequiredService<PipelineOptions>().PollInterval = TimeSpan.FromMinutes(10); // only a wake-up can be quick
        await second.StartAsync();
        await WaitProcessedAsync(store.Store, 2);
        using (var client = Client(new Uri(VigilServer.Addresses(second).Single()), apiKey))
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, IngestEndpoints.Route, $$"""{ "events": [ {{Event("c", Threat)}} ] }""")).StatusCode);
        }
        await WaitProcessedAsync(store.Store, 3);
        await second.StopAsync();

        await using var check = store.Store.CreateContext();
        Assert.Equal(3, await check.Decisions.CountAsync());
        Assert.Equal(["BE", "BE"], await check.Referrals.OrderBy(r => r.Id).Select(r => r.AuthorityCountry).ToListAsync());
    }

    private sealed record VigilStoreHolder(Vigil.Storage.VigilStore Store, LedgerLog Ledger);
}
