using System.Net;
using System.Text.RegularExpressions;
using Vigil.Accounts;
using Vigil.Moderation;
using Vigil.Observability;
using Vigil.Tests.Server;
using Vigil.Tests.Support;
using static Vigil.Tests.Ops.OpsHelpers;

namespace Vigil.Tests.Ops;

public sealed partial class MetricsTests
{
    private const string Lead = "lee@example.org";

    private static async Task<NewMetricsToken> NewTokenAsync(RunningServer server, string name)
    {
        await using var db = server.Store.Store.CreateContext();
        return await new MetricsTokens(db, server.Ledger, TimeProvider.System).CreateAsync(name, "test", "operator", CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Scrape_with_a_token_shows_vigil_series_and_without_or_with_a_revoked_token_gets_401(string provider)
    {
        var (server, accounts) = await RunningServer.StartAsync(provider, (Lead, StaffRoles.TrustAndSafetyLead));
        await using var _s = server;
        var platform = await NewPlatformAsync(server, "chirp");
        using (var client = Client(server, platform.ApiKey))
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, Batch("m1", "m2", "m1"))).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "{ \"events\": 3 }")).StatusCode);
        }
        await using (var db = server.Store.Store.CreateContext())
        {
            var item = db.IngestItems.Single(i => i.ItemId == "m1");
            ReviewQueue.Enqueue(db, new ReviewRequest(item.PlatformId, item.Id, "terror", 1, null, "test"), TimeProvider.System.GetUtcNow());
            await db.SaveChangesAsync();
        }
        var token = await NewTokenAsync(server, "prometheus");
        Assert.Matches("^vmt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", token.Token);

        using var scraper = Client(server, token.Token);
        var scrape = await scraper.GetAsync("/metrics");
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.True(scrape.StatusCode == HttpStatusCode.OK, text);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        // OpenTelemetry listens to meters by name across the process, so servers of tests running beside this one
        // add to the same series: the counts are at least ours. The queue name is this test's own.
        Assert.InRange(Sample(text, "vigil_ingest_events_total", "status=\"accepted\",type=\"post\""), 2, double.MaxValue);
        Assert.InRange(Sample(text, "vigil_ingest_events_total", "status=\"duplicate\",type=\"post\""), 1, double.MaxValue);
        Assert.InRange(Sample(text, "vigil_ingest_batches_total", "outcome=\"ok\""), 1, double.MaxValue);
        Assert.InRange(Sample(text, "vigil_ingest_batches_total", "outcome=\"bad_request\""), 1, double.MaxValue);
        Assert.InRange(Sample(text, "vigil_ingest_request_duration_seconds_count", "outcome=\"ok\""), 1, double.MaxValue);
        Assert.InRange(Sample(text, "vigil_ingest_request_body_size_bytes_count", "outcome=\"ok\""), 1, double.MaxValue);
        Assert.Equal(1, Sample(text, "vigil_desk_queue_depth", "queue=\"terror\",state=\"open\""));
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_", text, StringComparison.Ordinal);

        using var anonymous = server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        // A staff session does not open /metrics, nor does a platform key.
        using var staff = await RunningServer.SignedInAsync(server, accounts[Lead]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await staff.GetAsync("/metrics")).StatusCode);
        using var asPlatform = Client(server, platform.ApiKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asPlatform.GetAsync("/metrics")).StatusCode);

        await using (var db = server.Store.Store.CreateContext())
        {
            Assert.True(await new MetricsTokens(db, server.Ledger, TimeProvider.System).RevokeAsync("prometheus", "test", "operator", CancellationToken.None));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await scraper.GetAsync("/metrics")).StatusCode);
        Assert.All(server.LedgerEntries(), e => Assert.DoesNotContain(token.Token[^43..], System.Text.Encoding.UTF8.GetString(e.CanonicalJson), StringComparison.Ordinal));
    }

    /// <summary>The value of the sample <paramref name="name"/>{<paramref name="labels"/>...} (each of <paramref name="labels"/> among its labels).</summary>
    private static double Sample(string exposition, string name, string labels)
    {
        var wanted = labels.Split(',');
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal) && wanted.All(w => l.Contains(w, StringComparison.Ordinal)));
        Assert.True(line is not null, $"no {name}{{{labels}...}} in:\n{string.Join('\n', exposition.Split('\n').Where(l => l.StartsWith("vigil_", StringComparison.Ordinal)))}");
        var m = SampleValue().Match(line);
        Assert.True(m.Success, line);
        return double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"\} ([0-9.eE+-]+)(?: \d+)?$")]
    private static partial Regex SampleValue();
}
