using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Bench;
using Vigil.Cli;
using Vigil.Demo;
using Vigil.Ingest;
using Vigil.Ledger;
using Vigil.Pipeline;
using Vigil.Platforms;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Referrals;

/// <summary>The figures of <c>vigil bench referrals</c>: arrival-to-acknowledgement latency through the real pipeline and dispatcher.</summary>
public sealed record ReferralBenchReport(string Store, int Sent, int Acknowledged, double P50Ms, double P99Ms, double MaxMs);

/// <summary>
/// <c>vigil bench referrals</c>: starts the real server on a fresh data folder (SQLite, or an empty PostgreSQL
/// database), the demo's stand-in authorities on loopback, then sends threatening messages one at a time through the
/// ingest API and measures, per referral, the time from the item's arrival to the authority's acknowledgement.
/// </summary>
public static class ReferralBench
{
    public static Command Command()
    {
        var postgres = new Option<string?>("--postgres") { Description = "Connection string of an empty PostgreSQL database (default: SQLite in a temporary folder)" };
        var count = new Option<int>("--count") { Description = "Threatening messages to send", DefaultValueFactory = _ => 100 };
        var cmd = new Command("referrals", "Referral latency from a threat's arrival to the authority's acknowledgement on loopback, p50/p99 (target p99 < 2 s)") { postgres, count };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var r = await RunAsync(parse.GetValue(postgres), Math.Clamp(parse.GetValue(count), 1, 100_000), ct);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"store={r.Store} sent={r.Sent} acknowledged={r.Acknowledged} p50_ms={r.P50Ms:0.0} p99_ms={r.P99Ms:0.0} max_ms={r.MaxMs:0.0} target_p99_ms=2000"));
            return r.Acknowledged == r.Sent && r.P99Ms < 2000 ? 0 : 1;
        }));
        return cmd;
    }

    public static async Task<ReferralBenchReport> RunAsync(string? postgres, int count, CancellationToken ct)
    {
        var temp = Directory.CreateTempSubdirectory("vigil-bench-referrals-");
        try
        {
            var store = new VigilStore(temp, postgres);
            var time = TimeProvider.System;
            var app = await VigilServer.BuildAsync(store, "http://127.0.0.1:0", time, ct);
            await app.StartAsync(ct);
            try
            {
                await DemoReferrals.StartAsync(app, store, time, TextWriter.Null, ct);
                await using var db = store.CreateContext();
                var key = await new PlatformKeys(db, app.Services.GetRequiredService<LedgerLog>(), time).CreatePlatformAsync("bench-referrals", "vigil bench", "operator", ct);
                var platformId = await db.Platforms.Where(p => p.Name == "bench-referrals").Select(p => p.Id).SingleAsync(ct);
                using var http = new HttpClient { BaseAddress = new Uri(VigilServer.Addresses(app)[0]) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.ApiKey);
                var generator = new TrafficGenerator(TrafficImagePool.Create(reposts: 1, unrelated: 1, seed: 3),
                    new TrafficMix(ImageShare: 0, BankRepostShare: 0, ThreatShare: 1, ManifestoShare: 0, DirectMessageShare: 0, E2eeShare: 0), seed: 7, idPrefix: "bench-");
                for (int i = 0; i < count; i++)
                {
                    var buffer = new ArrayBufferWriter<byte>();
                    generator.WriteBatch(buffer, 1, time.GetUtcNow());
                    using var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync(IngestEndpoints.Route, content, ct);
                    response.EnsureSuccessStatusCode();
                    // One at a time, 50 ms apart: this measures latency, not throughput.
                    await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct);
                }
                var started = time.GetTimestamp();
                List<double> e2e;
                int referrals;
                do
                {
                    db.ChangeTracker.Clear();
                    var rows = await db.Referrals.AsNoTracking().Where(r => r.PlatformId == platformId).Select(r => new { r.State, r.EndToEndMs }).ToListAsync(ct);
                    referrals = rows.Count;
                    e2e = [.. rows.Where(r => r.State == ReferralState.Acknowledged && r.EndToEndMs != null).Select(r => r.EndToEndMs!.Value).Order()];
                    if (e2e.Count >= count)
                    {
                        break;
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
                }
                while (time.GetElapsedTime(started) < TimeSpan.FromSeconds(120));
                return new ReferralBenchReport(store.IsPostgres ? "PostgreSQL" : "SQLite", count, e2e.Count,
                    Bench.Percentiles.NearestRank(e2e, 0.5) ?? double.NaN, Bench.Percentiles.NearestRank(e2e, 0.99) ?? double.NaN, e2e.Count == 0 ? double.NaN : e2e[^1]);
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }
}
