using System.Diagnostics;
using System.Globalization;
using Vigil.Authorities;
using Vigil.Bench;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Hi1;

/// <summary>What <c>vigil bench hi1</c> measured.</summary>
public sealed record Hi1BenchReport(string Database, int Concurrency, double Seconds, long Accepted, long Failed, double AcceptedPerSecond, double P50Ms, double P99Ms,
    double CpuMsPerOrder, double LoadAverage)
{
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"bench hi1: {Database}, {Concurrency} clients, {Seconds:F1} s measured after warm-up: {Accepted} verified CREATEs accepted ({AcceptedPerSecond:F0}/s), {Failed} failed, " +
        $"latency p50 {P50Ms:F1} ms, p99 {P99Ms:F1} ms; process CPU {CpuMsPerOrder:F2} ms per order (server and signing clients together); load average {LoadAverage:F1}");
}

/// <summary>
/// Verified HI-1 CREATEs per second on one node: an in-process server on a fresh SQLite folder (or the given
/// PostgreSQL database), one registered authority with an ES256 key, and N clients each signing and posting EPOC
/// orders (one task, two selectors, a small document; preservation holds placed on receipt) over loopback HTTP.
/// </summary>
public static class Hi1Bench
{
    public static async Task<Hi1BenchReport> RunAsync(string? postgres, TimeSpan duration, TimeSpan warmup, int concurrency, TextWriter? progress, CancellationToken ct)
    {
        var temp = Directory.CreateTempSubdirectory("vigil-bench-hi1-");
        try
        {
            var store = new VigilStore(temp, postgres);
            await using var app = await VigilServer.BuildAsync(store, "http://127.0.0.1:0", TimeProvider.System, ct);
            await app.StartAsync(ct);
            var address = new Uri(VigilServer.Addresses(app)[0]);
            var code = "BENCH-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
            using var signer = Hi1Signer.Generate("ES256", code.ToLowerInvariant() + "-es256");
            await RegisterAsync(store, code, signer, ct);
            progress?.WriteLine($"bench hi1: server {address}, {(store.IsPostgres ? "PostgreSQL" : "SQLite")}, authority {code}, {concurrency} clients, {warmup.TotalSeconds:F0} s warm-up, {duration.TotalSeconds:F0} s measured");

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address };
            var client = new Hi1Client(http, signer, TimeProvider.System);
            var latencies = new List<double>[concurrency];
            long failed = 0;
            var clock = Stopwatch.StartNew();
            var end = warmup + duration;
            var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
            {
                var mine = latencies[w] = [];
                int i = 0;
                while (clock.Elapsed < end && !ct.IsCancellationRequested)
                {
                    var now = TimeProvider.System.GetUtcNow();
                    var spec = new Hi1OrderSpec("DE", code, "EPOC", string.Create(CultureInfo.InvariantCulture, $"B-{w}-{i++}"),
                        [new Hi1TaskSpec("SubscriberData", now.AddDays(-30), now.AddDays(-1), [new("VIGIL", "AccountId", $"u{w}x{i}"), new("ETSI", "EmailAddress", $"u{w}x{i}@example.org")])])
                    {
                        Document = "%PDF-1.4 bench order"u8.ToArray(),
                    };
                    var started = Stopwatch.GetTimestamp();
                    bool counted = clock.Elapsed >= warmup;
                    var r = await client.SendAsync(Hi1Requests.Create(spec, now), Hi1Encoding.Json, ct);
                    if (r.Status != 200)
                    {
                        Interlocked.Increment(ref failed);
                    }
                    else if (counted && clock.Elapsed <= end)
                    {
                        mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
            }, ct)).ToList();
            // The measured window: from the end of the warm-up to the end of the run; CPU of the whole process over it.
            await Task.Delay(warmup, ct);
            var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            var measured = Stopwatch.StartNew();
            await Task.WhenAll(workers);
            var seconds = Math.Min(measured.Elapsed.TotalSeconds, duration.TotalSeconds);
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalMilliseconds;
            var all = latencies.SelectMany(l => l).Order().ToList();
            await app.StopAsync(ct);
            return new Hi1BenchReport(store.IsPostgres ? "PostgreSQL" : "SQLite", concurrency, seconds, all.Count, failed, all.Count / seconds,
                Percentiles.NearestRank(all, 0.50) ?? 0, Percentiles.NearestRank(all, 0.99) ?? 0, all.Count == 0 ? 0 : cpu / all.Count, LoadAverage());
        }
        finally
        {
            try
            {
                temp.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A database file still closing is not worth failing the run over.
            }
        }
    }

    private static async Task RegisterAsync(VigilStore store, string code, Hi1Signer signer, CancellationToken ct)
    {
        var now = TimeProvider.System.GetUtcNow();
        await using var db = store.CreateContext();
        db.Authorities.Add(new Authority
        {
            Code = code,
            CountryCode = "DE",
            Name = "Benchmark authority",
            Kind = AuthorityKind.Police,
            Instruments = [LegalInstrument.EuProductionOrder],
            CreatedAt = now,
            UpdatedAt = now,
            Keys =
            [
                new AuthorityKey { KeyId = signer.KeyId, Kind = AuthorityKeyKind.JwsPublicKey, Algorithm = signer.Algorithm, Pem = signer.PublicKeyPem(), NotBefore = now.AddMinutes(-1), NotAfter = now.AddDays(1), CreatedAt = now },
            ],
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The machine's one-minute load average (Linux), so a figure says how busy the machine was; 0 elsewhere.</summary>
    private static double LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }
}
