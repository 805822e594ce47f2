using System.CommandLine;
using System.Globalization;
using Vigil.Hashing.Index;
using Vigil.Hashing.Pdq;

namespace Vigil.Cli;

/// <summary><c>vigil bench ...</c>: end-to-end figures a user can reproduce (docs/benchmarks.md).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure Vigil's performance on this machine (one thread unless said otherwise)");
        bench.Subcommands.Add(Index());
        bench.Subcommands.Add(Hash());
        bench.Subcommands.Add(Ingest());
        bench.Subcommands.Add(Vigil.Records.RecordsBench.Command());
        bench.Subcommands.Add(Referrals.ReferralBench.Command());
        bench.Subcommands.Add(BenchHi1Command.Create());
        return bench;
    }

    private static Command Index()
    {
        var count = new Option<int>("--count") { Description = "Hashes in the index", DefaultValueFactory = _ => 1_000_000 };
        var queries = new Option<int>("--queries") { Description = "Lookups to time", DefaultValueFactory = _ => 2_000 };
        var radius = new Option<int>("--radius") { Description = "Hamming radius", DefaultValueFactory = _ => 31 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated data", DefaultValueFactory = _ => 1 };
        var export = new Option<DirectoryInfo?>("--export") { Description = "Also write the generated haystack and queries here (raw 32-byte records) for bench/faiss/compare.py" };
        var cmd = new Command("index", "Exact Hamming range search: build time, memory, lookups/s single and batched, p50/p99, recall versus brute force")
        {
            count, queries, radius, seed, export,
        };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var data = IndexBenchmarkDataset.Generate(parse.GetValue(count), parse.GetValue(queries), parse.GetValue(radius), parse.GetValue(seed));
            if (parse.GetValue(export) is { } dir)
            {
                data.Write(dir.FullName);
            }
            var report = IndexBenchmark.Run(data, parse.GetValue(radius), parse.GetValue(CliContext.Json) ? TextWriter.Null : output);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, report);
            }
            else
            {
                await output.WriteLineAsync(report.ToKeyValues());
            }
            return report.Exact ? 0 : 1;
        }));
        return cmd;
    }

    private static Command Hash()
    {
        var files = new Argument<FileInfo[]>("files") { Description = "Images to hash (default: the JPEGs of ../shared/vectors/pdq/files)", Arity = ArgumentArity.ZeroOrMore };
        var seconds = new Option<double>("--seconds") { Description = "Seconds per mode", DefaultValueFactory = _ => 5 };
        var cmd = new Command("hash", "PDQ images/s on one thread: decode+hash of encoded files, and hash-only from decoded pixels (pre-resize included)") { files, seconds };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var paths = parse.GetValue(files) is { Length: > 0 } given
                ? given.Select(f => f.FullName).ToList()
                : DefaultImages();
            var perFile = new List<object>();
            foreach (var path in paths)
            {
                var r = PdqThroughput.Measure([path], TimeSpan.FromSeconds(parse.GetValue(seconds) / paths.Count));
                perFile.Add(new { File = Path.GetFileName(path), r.DecodeAndHashPerSecond, r.HashOnlyPerSecond, r.DecodeAndHashPerCpuSecond, r.HashOnlyPerCpuSecond });
                if (!parse.GetValue(CliContext.Json))
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{Path.GetFileName(path),-24} decode+hash {r.DecodeAndHashPerSecond,8:F1}/s ({r.DecodeAndHashPerCpuSecond,8:F1}/cpu-s)   hash-only {r.HashOnlyPerSecond,8:F1}/s ({r.HashOnlyPerCpuSecond,8:F1}/cpu-s)"));
                }
            }
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, perFile);
            }
            return 0;
        }));
        return cmd;
    }

    private static Command Ingest()
    {
        var seconds = new Option<double>("--seconds") { Description = "Length of the run", DefaultValueFactory = _ => 600 };
        var clients = new Option<int>("--clients") { Description = "Concurrent HTTP clients", DefaultValueFactory = _ => 4 };
        var batch = new Option<int>("--batch") { Description = "Events per POST", DefaultValueFactory = _ => 200 };
        var imageShare = new Option<double>("--image-share") { Description = "Share of image events (the rest is text)", DefaultValueFactory = _ => 0.2 };
        var rate = new Option<double?>("--rate") { Description = "Target events/s over all clients (default: as fast as the server answers)" };
        var ingestOnly = new Option<bool>("--ingest-only") { Description = "Measure the ingest path alone (no accept-to-decision sampling)" };
        var reset = new Option<bool>("--reset") { Description = "With --postgres: drop everything in the database's public schema first" };
        var target = new Option<string?>("--target") { Description = "Drive an external `vigil serve` at this URL instead (decisions are sampled from --data/--postgres when given)" };
        var key = new Option<string?>("--key") { Description = "With --target: a platform API key of that server" };
        var every = new Option<double>("--report-every") { Description = "Seconds between progress lines", DefaultValueFactory = _ => 10 };
        var pool = new Option<int>("--image-pool") { Description = "Pre-encoded JPEGs the generator picks from (a quarter are bank re-posts)", DefaultValueFactory = _ => 48 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated traffic", DefaultValueFactory = _ => 1 };
        var cmd = new Command("ingest",
            "Sustained ingest of generated traffic (80% text, 20% images) over loopback HTTP into an in-process server on a fresh SQLite folder or the given " +
            "PostgreSQL database: events/s, batch latency, accept-to-decision latency, backlog, memory and CPU")
        {
            seconds, clients, batch, imageShare, rate, ingestOnly, reset, target, key, every, pool, seed,
        };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var json = parse.GetValue(CliContext.Json);
            var store = CliContext.Store(parse);
            Uri? external = null;
            if (parse.GetValue(target) is { } url && !Uri.TryCreate(url, UriKind.Absolute, out external))
            {
                throw new CliException($"--target '{url}' is not an absolute URL, e.g. http://127.0.0.1:5080");
            }
            var options = new Vigil.Bench.IngestBenchOptions
            {
                Postgres = external is null ? store.PostgresConnectionString : null,
                Reset = parse.GetValue(reset),
                Duration = TimeSpan.FromSeconds(parse.GetValue(seconds)),
                Clients = parse.GetValue(clients),
                Batch = parse.GetValue(batch),
                ImageShare = parse.GetValue(imageShare),
                Rate = parse.GetValue(rate),
                IngestOnly = parse.GetValue(ingestOnly),
                Target = external,
                Key = parse.GetValue(key),
                // Against an external server, decisions are read from its store when that store is here to read.
                TargetStore = external is not null && (store.IsPostgres || File.Exists(store.SqlitePath)) ? store : null,
                ReportEvery = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(every))),
                ImagePool = Math.Max(2, parse.GetValue(pool)),
                Seed = parse.GetValue(seed),
            };
            Vigil.Bench.IngestBenchReport report;
            try
            {
                report = await Vigil.Bench.IngestBench.RunAsync(options, json ? null : output, ct);
            }
            catch (Exception e) when (e is Vigil.Bench.IngestBenchException or System.Data.Common.DbException)
            {
                throw new CliException(e.Message);
            }
            if (json)
            {
                CliContext.WriteJson(parse, report);
            }
            else
            {
                await output.WriteLineAsync();
                await output.WriteLineAsync(Vigil.Bench.IngestBench.Format(report));
            }
            return report.Accepted > 0 && report.FailedBatches == 0 ? 0 : 1;
        }));
        return cmd;
    }

    private static List<string> DefaultImages()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
        {
            dir = dir.Parent;
        }
        var shared = dir is null ? null : Path.Combine(dir.FullName, "..", "shared", "vectors", "pdq", "files");
        if (shared is null || !Directory.Exists(shared))
        {
            throw new CliException("give image files to hash (the shared test images were not found next to the repository)");
        }
        return Directory.GetFiles(shared, "*.jpg").Order(StringComparer.Ordinal).ToList();
    }
}
