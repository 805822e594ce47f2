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
