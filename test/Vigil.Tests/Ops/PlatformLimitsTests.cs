using System.Net;
using System.Text.Json;
using Vigil.Platforms;
using Vigil.Tests.Server;
using Vigil.Tests.Support;
using static Vigil.Tests.Ops.OpsHelpers;

namespace Vigil.Tests.Ops;

public sealed class PlatformLimitsTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_burst_over_the_platform_limit_gets_429_with_Retry_After_while_another_platform_is_unaffected(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        var slow = await NewPlatformAsync(server, "slow");
        var other = await NewPlatformAsync(server, "other");
        await SetLimitsAsync(server, "slow", rps: 1, burst: 3);
        using var slowClient = Client(server, slow.ApiKey);
        using var otherClient = Client(server, other.ApiKey);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var codes = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (int i = 0; i < 8; i++)
        {
            var r = await PostAsync(slowClient, Batch("s" + i));
            codes.Add(r.StatusCode);
            refused ??= r.StatusCode == HttpStatusCode.TooManyRequests ? r : null;
        }
        var elapsed = started.Elapsed;
        // The bucket holds 3 and refills 1 per second: the first 3 pass, and at most one more per second elapsed.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], codes.Take(3));
        Assert.InRange(codes.Count(c => c == HttpStatusCode.OK), 3, 3 + (int)Math.Ceiling(elapsed.TotalSeconds));
        Assert.All(codes, c => Assert.True(c is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, c.ToString()));
        Assert.NotNull(refused);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()))
        {
            Assert.Equal("platform 'slow' is over its rate limit of 1 requests/s with a burst of 3; retry after 1 s", problem.RootElement.GetProperty("detail").GetString());
            Assert.Equal("requests_per_second", problem.RootElement.GetProperty("limit").GetString());
        }

        // The other platform has its own bucket (the default 50/s, burst 100).
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(otherClient, Batch("o" + i))).StatusCode);
        }
        Assert.Equal(codes.Count(c => c == HttpStatusCode.OK) + 8, await StoredCountAsync(server));

        // Raised while the server runs: the next request is in the new, full bucket.
        await SetLimitsAsync(server, "slow", rps: 100, burst: 200);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(slowClient, Batch("t" + i))).StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_body_over_the_platform_limit_gets_413_and_stores_nothing_until_the_limit_is_raised(string provider)
    {
        var (server, _) = await RunningServer.StartAsync(provider);
        await using var _s = server;
        var small = await NewPlatformAsync(server, "small");
        var other = await NewPlatformAsync(server, "other");
        await SetLimitsAsync(server, "small", body: 2048);
        using var smallClient = Client(server, small.ApiKey);
        using var otherClient = Client(server, other.ApiKey);
        var big = Batch([.. Enumerable.Range(0, 30).Select(i => "b" + i)]);
        Assert.InRange(big.Length, 2049, 8192);

        var refused = await PostAsync(smallClient, big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        using (var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()))
        {
            Assert.Equal("the body is over this platform's limit of 2048 bytes; send smaller batches", problem.RootElement.GetProperty("detail").GetString());
        }
        // Without a Content-Length (chunked) the cap holds while reading.
        var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        using (var request = new HttpRequestMessage(HttpMethod.Post, Vigil.Ingest.IngestEndpoints.Route) { Content = chunked })
        {
            request.Headers.TransferEncodingChunked = true;
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await smallClient.SendAsync(request)).StatusCode);
        }
        Assert.Equal(0, await StoredCountAsync(server));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(smallClient, Batch("tiny"))).StatusCode);

        // The other platform keeps the default 16 MiB.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(otherClient, big)).StatusCode);
        Assert.Equal(31, await StoredCountAsync(server));

        await SetLimitsAsync(server, "small", body: 8192);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(smallClient, big)).StatusCode);
        Assert.Equal(61, await StoredCountAsync(server));
        var changes = server.LedgerEntries().Where(e => e.Event.Action == PlatformLimitsAdmin.LimitsChanged).Select(e => (e.Event.Subject.Id, e.Event.Reason)).ToList();
        Assert.Equal([("small", "max_body_bytes default -> 2048"), ("small", "max_body_bytes 2048 -> 8192")], changes);
    }

    [Fact]
    public void The_server_cap_bounds_every_platform_body_limit()
    {
        var options = new PlatformLimitsOptions { ServerMaxBodyBytes = 4096 };
        Assert.Equal(new PlatformLimitValues(50, 100, 4096), options.Effective(new Platform { Name = "p" }));
        Assert.Equal(new PlatformLimitValues(5, 10, 4096), options.Effective(new Platform { Name = "p", RequestsPerSecond = 5, Burst = 10, MaxBodyBytes = 1L << 30 }));
        Assert.Equal(2048, options.Effective(new Platform { Name = "p", MaxBodyBytes = 2048 }).MaxBodyBytes);
    }
}
